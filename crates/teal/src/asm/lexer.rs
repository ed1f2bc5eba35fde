//! Splitting source lines into tokens the way go-algorand does: spaces, tabs and `;` separate
//! tokens (`;` is itself a token), `//` starts a comment, and quoted strings and `base64(...)`
//! arguments may hold separators and slashes.

/// One token of source text with its position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Token<'a> {
    pub(crate) text: &'a str,
    /// Line, from 1.
    pub(crate) line: usize,
    /// Byte column, from 0.
    pub(crate) column: usize,
}

fn is_separator(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b';')
}

/// The lines of `source` as go's line scanner yields them: split at `\n`, one trailing `\r`
/// dropped, no empty line after a final newline.
pub(crate) fn lines(source: &str) -> impl Iterator<Item = &str> {
    let body = source.strip_suffix('\n').unwrap_or(source);
    let pieces = if source.is_empty() { None } else { Some(body.split('\n')) };
    pieces.into_iter().flatten().map(|line| line.strip_suffix('\r').unwrap_or(line))
}

struct Scanner<'a> {
    line: &'a str,
    number: usize,
    tokens: Vec<Token<'a>>,
}

impl<'a> Scanner<'a> {
    fn push(&mut self, start: usize, end: usize) {
        self.tokens.push(Token { text: &self.line[start..end], line: self.number, column: start });
    }

    /// Skips separators from `i`, emitting `;` tokens, and returns the next position.
    fn skip_separators(&mut self, mut i: usize) -> usize {
        let bytes = self.line.as_bytes();
        while i < bytes.len() && is_separator(bytes[i]) {
            if bytes[i] == b';' {
                self.push(i, i + 1);
            }
            i += 1;
        }
        i
    }
}

/// The tokens of one source line (comments dropped).
pub(crate) fn tokens(line: &str, number: usize) -> Vec<Token<'_>> {
    let mut scan = Scanner { line, number, tokens: Vec::new() };
    let bytes = line.as_bytes();
    let mut i = scan.skip_separators(0);
    let mut start = i;
    let mut in_string = false;
    let mut in_base64 = false;
    while i < bytes.len() {
        if !is_separator(bytes[i]) {
            match bytes[i] {
                b'"' if !in_string => in_string = i == 0 || is_separator(bytes[i - 1]),
                b'"' => in_string = bytes[i - 1] == b'\\',
                b'/' if i + 1 < bytes.len() && bytes[i + 1] == b'/' && !in_base64 && !in_string => {
                    if start != i {
                        scan.push(start, i);
                    }
                    return scan.tokens;
                }
                b'(' => in_base64 |= matches!(&line[start..i], "base64" | "b64"),
                b')' => in_base64 = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        if !in_string {
            scan.push(start, i);
            if bytes[i] == b';' {
                scan.push(i, i + 1);
            }
            let word = &line[start..i];
            in_base64 = !in_base64 && matches!(word, "base64" | "b64");
        }
        i += 1;
        if !in_string {
            i = scan.skip_separators(i);
            start = i;
        }
    }
    if start < bytes.len() {
        scan.push(start, bytes.len());
    }
    scan.tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(line: &str) -> Vec<&str> {
        tokens(line, 1).iter().map(|t| t.text).collect()
    }

    #[test]
    fn splits_on_spaces_semicolons_and_comments() {
        assert_eq!(texts("  int 1; int 2 // two"), ["int", "1", ";", "int", "2"]);
        assert_eq!(texts("byte \"a b; // c\" // d"), ["byte", "\"a b; // c\""]);
        assert_eq!(texts("byte base64(//8=) // x"), ["byte", "base64(//8=)"]);
        assert_eq!(texts("byte b64 //8= // x"), ["byte", "b64", "//8="]);
        assert_eq!(texts("int 1//c"), ["int", "1"]);
        assert_eq!(texts("; ;x"), [";", ";", "x"]);
    }

    #[test]
    fn keeps_columns() {
        let found = tokens("\tint  7", 3);
        assert_eq!((found[1].line, found[1].column), (3, 6));
    }

    #[test]
    fn splits_lines_like_go() {
        assert_eq!(lines("a\r\nb\n").collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(lines("a\n\n").collect::<Vec<_>>(), ["a", ""]);
        assert_eq!(lines("").count(), 0);
    }
}
