//! CID parsing from untrusted text (gateway paths, backend answers) and bytes (dag-pb links):
//! never panics, and whatever parses prints back to a string that parses to the same CID.

#![no_main]

use libfuzzer_sys::fuzz_target;
use tipforge_ipfs::Cid;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(cid) = text.parse::<Cid>() {
            assert_eq!(cid.to_string().parse::<Cid>().ok(), Some(cid));
            assert_eq!(Cid::from_bytes(&cid.to_bytes()).ok(), Some(cid));
        }
    }
    if let Ok(cid) = Cid::from_bytes(data) {
        assert_eq!(cid.to_bytes(), data);
        assert_eq!(cid.to_string().parse::<Cid>().ok(), Some(cid));
    }
});
