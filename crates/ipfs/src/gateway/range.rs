//! The single-range subset of HTTP `Range: bytes=…` (RFC 9110 §14), which is all a media player
//! or a resumed download asks for.

use std::ops::Range;

/// What to send for a request's `Range` header against a file of a known size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RangeRequest {
    /// No usable range (absent, malformed, several ranges, another unit): send everything.
    Full,
    /// Send these bytes with 206 Partial Content.
    Partial(Range<u64>),
    /// The range starts past the end: 416.
    Unsatisfiable,
}

impl RangeRequest {
    pub(crate) fn parse(header: Option<&str>, size: u64) -> Self {
        let Some((first, last)) = single_range(header) else {
            return Self::Full;
        };
        if first.is_empty() {
            return match last.parse::<u64>() {
                Ok(suffix) if suffix > 0 && size > 0 => {
                    Self::Partial(size.saturating_sub(suffix)..size)
                }
                Ok(_) => Self::Unsatisfiable,
                Err(_) => Self::Full,
            };
        }

        let Ok(start) = first.parse::<u64>() else {
            return Self::Full;
        };
        let end = match last.parse::<u64>() {
            _ if last.is_empty() => size,
            Ok(last) if last >= start => last.saturating_add(1).min(size),
            _ => return Self::Full,
        };
        if start >= size { Self::Unsatisfiable } else { Self::Partial(start..end) }
    }
}

/// The two sides of the one range in a `bytes=` header, or `None` for anything else.
fn single_range(header: Option<&str>) -> Option<(&str, &str)> {
    let spec = header?.trim().strip_prefix("bytes=")?;
    if spec.contains(',') {
        return None;
    }
    spec.split_once('-').map(|(first, last)| (first.trim(), last.trim()))
}

#[cfg(test)]
mod tests {
    use super::RangeRequest::{self, *};

    fn parse(header: &str) -> RangeRequest {
        RangeRequest::parse(Some(header), 1000)
    }

    #[test]
    fn single_ranges() {
        assert_eq!(parse("bytes=0-99"), Partial(0..100));
        assert_eq!(parse("bytes=900-"), Partial(900..1000));
        assert_eq!(parse("bytes=-100"), Partial(900..1000));
        assert_eq!(parse("bytes=-5000"), Partial(0..1000));
        assert_eq!(parse("bytes=990-5000"), Partial(990..1000));
        assert_eq!(parse("bytes=999-999"), Partial(999..1000));
    }

    #[test]
    fn unsatisfiable_ranges() {
        assert_eq!(parse("bytes=1000-"), Unsatisfiable);
        assert_eq!(parse("bytes=1000-2000"), Unsatisfiable);
        assert_eq!(parse("bytes=-0"), Unsatisfiable);
        assert_eq!(RangeRequest::parse(Some("bytes=-10"), 0), Unsatisfiable);
    }

    #[test]
    fn anything_else_means_the_whole_file() {
        for header in ["items=0-1", "bytes=5-1", "bytes=0-1,5-6", "bytes=a-b", "bytes=-", "bytes"] {
            assert_eq!(parse(header), Full, "{header}");
        }
        assert_eq!(RangeRequest::parse(None, 1000), Full);
    }
}
