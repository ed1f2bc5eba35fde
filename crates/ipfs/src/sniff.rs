//! Content types recognised from a file's first bytes, for the gateway and ARC-3
//! `image_mimetype`.

/// How many leading bytes [`sniff_content_type`] looks at.
pub const SNIFF_LEN: usize = 512;

/// The media type of content starting with `head` (its first [`SNIFF_LEN`] bytes suffice):
/// PNG, JPEG, GIF, WebP, SVG, JSON or UTF-8 text, else `application/octet-stream`.
///
/// JSON is recognised by its first character (`{` or `[`) in otherwise valid text, since a
/// prefix cannot be fully parsed; SVG by an `<svg` element near the start, with or without an
/// XML declaration.
pub fn sniff_content_type(head: &[u8]) -> &'static str {
    const SIGNATURES: [(&[u8], &str); 4] = [
        (b"\x89PNG\r\n\x1a\n", "image/png"),
        (b"\xff\xd8\xff", "image/jpeg"),
        (b"GIF87a", "image/gif"),
        (b"GIF89a", "image/gif"),
    ];
    let head = &head[..head.len().min(SNIFF_LEN)];
    if let Some((_, mime)) = SIGNATURES.iter().find(|(magic, _)| head.starts_with(magic)) {
        return mime;
    }
    if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        return "image/webp";
    }
    let Some(text) = as_text(head) else {
        return "application/octet-stream";
    };
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if is_svg(trimmed) {
        "image/svg+xml"
    } else if trimmed.starts_with(['{', '[']) {
        "application/json"
    } else {
        "text/plain; charset=utf-8"
    }
}

/// `head` as text when it is UTF-8 without control characters other than whitespace. A
/// multi-byte character cut off at the end of the sample does not count against it.
fn as_text(head: &[u8]) -> Option<&str> {
    let text = match std::str::from_utf8(head) {
        Ok(text) => text,
        Err(e) if e.error_len().is_none() => {
            std::str::from_utf8(&head[..e.valid_up_to()]).expect("prefix checked valid")
        }
        Err(_) => return None,
    };
    let binary = text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\x0c'));
    (!binary).then_some(text)
}

fn is_svg(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let markup = lower.starts_with("<?xml") || lower.starts_with("<svg") || lower.starts_with("<!");
    markup && lower.contains("<svg")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_each_supported_type() {
        let cases: [(&[u8], &str); 10] = [
            (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "image/png"),
            (b"\xff\xd8\xff\xe0\0\x10JFIF", "image/jpeg"),
            (b"GIF89a\x01\0\x01\0", "image/gif"),
            (b"RIFF\x24\0\0\0WEBPVP8 ", "image/webp"),
            (b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>", "image/svg+xml"),
            (b"<?xml version=\"1.0\"?>\n<svg/>", "image/svg+xml"),
            (b"  {\"name\": \"sticker\"}", "application/json"),
            (b"[1, 2]", "application/json"),
            (b"hello world\n", "text/plain; charset=utf-8"),
            (b"\0\x01\x02binary", "application/octet-stream"),
        ];
        for (head, expected) in cases {
            assert_eq!(sniff_content_type(head), expected, "{head:?}");
        }
    }

    #[test]
    fn text_cut_inside_a_character_is_still_text() {
        let mut head = "é".repeat(SNIFF_LEN).into_bytes();
        head.truncate(SNIFF_LEN - 1);
        assert_eq!(sniff_content_type(&head), "text/plain; charset=utf-8");
        assert_eq!(sniff_content_type(b""), "text/plain; charset=utf-8");
    }
}
