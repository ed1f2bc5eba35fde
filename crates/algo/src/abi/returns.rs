//! ARC-4 return values, read back from an app call's logs.

use crate::abi::method::{Method, Returns};
use crate::abi::value::AbiValue;
use crate::error::{CodecError, Result};

/// What a method logs in front of its encoded return value (`151f7c75`).
pub const RETURN_PREFIX: [u8; 4] = [0x15, 0x1f, 0x7c, 0x75];

/// The encoded return value: the last log, without its prefix. `None` when there are no logs
/// or the last one lacks the prefix (ARC-4 requires the return to be logged last).
pub fn return_bytes<L: AsRef<[u8]>>(logs: &[L]) -> Option<&[u8]> {
    logs.last()?.as_ref().strip_prefix(RETURN_PREFIX.as_slice())
}

impl Method {
    /// Decodes this method's return value from the call's logs; `None` for a `void` method.
    pub fn decode_return<L: AsRef<[u8]>>(&self, logs: &[L]) -> Result<Option<AbiValue>> {
        let Returns::Value(ty) = &self.returns else {
            return Ok(None);
        };
        let bytes = return_bytes(logs).ok_or_else(|| CodecError::AbiReturnMissing {
            method: self.signature(),
            reason: if logs.is_empty() { "no logs" } else { "the last log lacks 151f7c75" },
        })?;
        ty.decode(bytes).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats() -> Method {
        "stats()(uint64,bool)".parse().unwrap()
    }

    #[test]
    fn the_last_log_carries_the_return() {
        let logs =
            [b"event".to_vec(), [&RETURN_PREFIX[..], &[0, 0, 0, 0, 0, 0, 0, 9, 0x80]].concat()];
        let value = AbiValue::Tuple(vec![9u64.into(), true.into()]);

        assert_eq!(stats().decode_return(&logs), Ok(Some(value)));
    }

    #[test]
    fn a_missing_or_misplaced_return_is_an_error() {
        let returned = [&RETURN_PREFIX[..], &[0; 9]].concat();
        let misplaced = [returned, b"later".to_vec()];
        let none: [&[u8]; 0] = [];

        assert!(matches!(
            stats().decode_return(&misplaced),
            Err(CodecError::AbiReturnMissing { .. })
        ));
        assert!(stats().decode_return(&none).is_err());
    }

    #[test]
    fn void_methods_return_nothing() {
        let pause: Method = "pause()void".parse().unwrap();
        let none: [&[u8]; 0] = [];

        assert_eq!(pause.decode_return(&none), Ok(None));
    }
}
