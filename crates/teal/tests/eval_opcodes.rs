//! Opcode semantics and go-algorand's documented edge cases, one module per family.

mod eval_support;

use eval_support::{approves, fails};

/// The logs of a program body as big-endian integers (each log must be 8 bytes).
fn logged_ints(body: &str) -> Vec<u64> {
    approves(body)
        .logs
        .iter()
        .map(|l| u64::from_be_bytes(l.as_slice().try_into().expect("8-byte log")))
        .collect()
}

fn logged(body: &str) -> Vec<Vec<u8>> {
    approves(body).logs
}

mod arithmetic {
    use super::*;

    #[test]
    fn add_sub_mul_div_mod() {
        let body = "int 7\nint 3\n+\nitob\nlog\nint 7\nint 3\n-\nitob\nlog\nint 7\nint 3\n*\nitob\nlog\n\
                    int 7\nint 3\n/\nitob\nlog\nint 7\nint 3\n%\nitob\nlog\nint 1";
        assert_eq!(logged_ints(body), vec![10, 4, 21, 2, 1]);
    }

    #[test]
    fn overflow_underflow_and_zero_division_panic() {
        fails("int 18446744073709551615\nint 1\n+", "+ overflowed");
        fails("int 0\nint 1\n-", "- would result negative");
        fails("int 4294967296\ndup\n*", "* overflowed");
        fails("int 1\nint 0\n/", "/ 0");
        fails("int 1\nint 0\n%", "% 0");
    }

    #[test]
    fn comparisons_and_logic() {
        let body = "int 1\nint 2\n<\nint 2\nint 2\n<=\n&&\nint 0\n||\nint 3\nint 3\n!=\n!\n&&\nitob\nlog\nint 1";
        assert_eq!(logged_ints(body), vec![1]);
    }

    #[test]
    fn bit_operations_and_shifts() {
        let body = "int 12\nint 10\n|\nitob\nlog\nint 12\nint 10\n&\nitob\nlog\nint 12\nint 10\n^\nitob\nlog\n\
                    int 0\n~\nitob\nlog\nint 1\nint 63\nshl\nitob\nlog\nint 256\nint 4\nshr\nitob\nlog\nint 1";
        assert_eq!(logged_ints(body), vec![14, 8, 6, u64::MAX, 1 << 63, 16]);
        fails("int 1\nint 64\nshl", "shl arg too big, (64)");
        fails("int 1\nint 64\nshr", "shr arg too big, (64)");
    }

    #[test]
    fn exp_sqrt_bitlen() {
        let body = "int 2\nint 63\nexp\nitob\nlog\nint 99\nsqrt\nitob\nlog\nint 0\nbitlen\nitob\nlog\n\
                    int 255\nbitlen\nitob\nlog\nbyte 0x0100\nbitlen\nitob\nlog\nint 1";
        assert_eq!(logged_ints(body), vec![1 << 63, 9, 0, 8, 9]);
        fails("int 0\nint 0\nexp", "0^0 is undefined");
        fails("int 2\nint 64\nexp", "2^64 overflow");
    }

    #[test]
    fn wide_math() {
        let max = u64::MAX;
        let body = format!(
            "int {max}\nint {max}\nmulw\nitob\nlog\nitob\nlog\nint {max}\nint 2\naddw\nitob\nlog\nitob\nlog\n\
             int 2\nint 64\nexpw\nitob\nlog\nitob\nlog\nint 1"
        );
        assert_eq!(logged_ints(&body), vec![1, max - 1, 1, 1, 0, 1]);
        fails("int 2\nint 128\nexpw", "2^128 overflow");
    }

    #[test]
    fn divmodw_and_divw() {
        let body = "int 1\nint 0\nint 0\nint 3\ndivmodw\nitob\nlog\nitob\nlog\nitob\nlog\nitob\nlog\n\
                    int 1\nint 0\nint 2\ndivw\nitob\nlog\nint 1";
        let r = logged_ints(body);
        assert_eq!(r[..4], [1, 0, 0x5555_5555_5555_5555, 0]);
        assert_eq!(r[4], 1 << 63);
        fails("int 1\nint 0\nint 0\nint 0\ndivmodw", "/ 0");
        fails("int 1\nint 0\nint 0\ndivw", "divw 0");
        fails("int 5\nint 0\nint 5\ndivw", "divw overflow: 5 <= 5");
    }

    #[test]
    fn itob_btoi_len() {
        assert_eq!(
            logged_ints("byte 0x0102\nbtoi\nitob\nlog\nbyte 0x\nbtoi\nitob\nlog\nint 1"),
            vec![258, 0]
        );
        fails("byte 0x010203040506070809\nbtoi", "btoi arg too long, got 9 bytes");
    }

    #[test]
    fn operand_types_are_checked() {
        fails(
            "byte 0x01\ntxn NumAppArgs\nswap\nstores\ntxn NumAppArgs\nloads\nint 1\n+",
            "+ arg 0 wanted uint64 but got []byte",
        );
        fails(
            "int 1\nbyte 0x01\ntxn NumAppArgs\nswap\nstores\ntxn NumAppArgs\nloads\n==",
            "cannot compare (uint64 to []byte)",
        );
    }
}

mod byte_math {
    use super::*;

    #[test]
    fn add_sub_mul_div_mod_minimal_encoding() {
        let logs = logged(
            "byte 0xff\nbyte 0x01\nb+\nlog\nbyte 0x0100\nbyte 0x01\nb-\nlog\nbyte 0x10\nbyte 0x10\nb*\nlog\n\
             byte 0x0100\nbyte 0x03\nb/\nlog\nbyte 0x0100\nbyte 0x03\nb%\nlog\nbyte 0x05\nbyte 0x05\nb-\nlog\nint 1",
        );
        assert_eq!(logs, vec![vec![1, 0], vec![0xff], vec![1, 0], vec![0x55], vec![1], vec![]]);
    }

    #[test]
    fn edge_cases() {
        fails("byte 0x01\nbyte 0x02\nb-", "byte math would have negative result");
        fails("byte 0x01\nbyte 0x00\nb/", "division by zero");
        fails("byte 0x01\nbyte 0x\nb%", "modulo by zero");
        fails("int 65\nbzero\nbyte 0x01\nb+", "math attempted on large byte-array");
        fails(
            "int 4097\ntxn NumAppArgs\nswap\nstores\ntxn NumAppArgs\nloads\nbzero",
            "bzero attempted to create a too large string",
        );
    }

    #[test]
    fn comparisons_ignore_leading_zeros() {
        let body = "byte 0x0001\nbyte 0x01\nb==\nbyte 0x02\nbyte 0x0001\nb>\n&&\nitob\nlog\nint 1";
        assert_eq!(logged_ints(body), vec![1]);
    }

    #[test]
    fn bitwise_pads_left_and_bsqrt() {
        let logs = logged(
            "byte 0x0f0f\nbyte 0xf0\nb|\nlog\nbyte 0xff00\nb~\nlog\nbyte 0x0100\nbsqrt\nlog\nint 1",
        );
        assert_eq!(logs, vec![vec![0x0f, 0xff], vec![0x00, 0xff], vec![0x10]]);
    }
}

mod bytes {
    use super::*;

    #[test]
    fn substring_and_extract() {
        let logs = logged(
            "byte 0x0011223344\nsubstring 1 3\nlog\nbyte 0x0011223344\nextract 2 0\nlog\n\
             byte 0x0011223344\nint 1\nint 2\nextract3\nlog\nint 1",
        );
        assert_eq!(logs, vec![vec![0x11, 0x22], vec![0x22, 0x33, 0x44], vec![0x11, 0x22]]);
        fails("byte 0x00\nint 1\nint 0\nsubstring3", "substring end before start");
        fails("byte 0x00\nint 0\nint 2\nsubstring3", "substring range beyond length of string");
        fails("byte 0x0011\nextract 3 1", "extraction start 3 is beyond length: 2");
        fails("byte 0x0011\nint 1\nint 2\nextract3", "extraction end 3 is beyond length: 2");
        fails(
            "byte 0x0011\nint 1\nint 18446744073709551615\nextract3",
            "extraction end exceeds uint64",
        );
    }

    #[test]
    fn extract_uints() {
        let body = "byte 0x0102030405060708\nint 6\nextract_uint16\nitob\nlog\n\
                    byte 0x0102030405060708\nint 0\nextract_uint64\nitob\nlog\nint 1";
        assert_eq!(logged_ints(body), vec![0x0708, 0x0102_0304_0506_0708]);
        fails("byte 0x01\nint 0\nextract_uint32", "extraction end 4 is beyond length: 1");
    }

    #[test]
    fn replace() {
        let logs = logged(
            "byte 0x000000\nbyte 0xff\nreplace2 1\nlog\nbyte 0x0000\nint 0\nbyte 0xaabb\nreplace3\nlog\nint 1",
        );
        assert_eq!(logs, vec![vec![0, 0xff, 0], vec![0xaa, 0xbb]]);
        fails("byte 0x00\nbyte 0xff\nreplace2 1", "replacement end 2 beyond original length: 1");
    }

    #[test]
    fn bits_and_bytes() {
        let body = "byte 0x80\nint 0\ngetbit\nitob\nlog\nint 4\nint 2\ngetbit\nitob\nlog\n\
                    byte 0x00\nint 7\nint 1\nsetbit\nbtoi\nitob\nlog\nint 0\nint 63\nint 1\nsetbit\nitob\nlog\n\
                    byte 0x0102\nint 1\ngetbyte\nitob\nlog\nbyte 0x0102\nint 0\nint 9\nsetbyte\nbtoi\nitob\nlog\nint 1";
        assert_eq!(logged_ints(body), vec![1, 1, 1, 1 << 63, 2, 0x0902]);
        fails("int 1\nint 64\ngetbit", "getbit index > 63 with Uint");
        fails("byte 0x00\nint 8\ngetbit", "getbit index beyond byteslice");
        fails("int 1\nint 1\nint 2\nsetbit", "setbit value > 1");
        fails("byte 0x00\nint 1\ngetbyte", "getbyte index beyond array length");
        fails("byte 0x00\nint 0\nint 256\nsetbyte", "setbyte value > 255");
    }

    #[test]
    fn concat_limit() {
        fails("int 4096\nbzero\nbyte 0x01\nconcat", "concat produced a too big (4097) byte-array");
    }

    #[test]
    fn base64_decode() {
        let logs = logged(
            "byte \"aGk=\"\nbase64_decode StdEncoding\nlog\nbyte \"_w==\"\nbase64_decode URLEncoding\nlog\nint 1",
        );
        assert_eq!(logs, vec![b"hi".to_vec(), vec![0xff]]);
        fails("byte \"a$==\"\nbase64_decode StdEncoding", "illegal base64 data");
    }

    #[test]
    fn json_ref() {
        let doc = r#"byte "{\"s\": \"x\\ny\", \"n\": 42, \"o\": {\"k\": [1]}}""#;
        let logs = logged(&format!(
            "{doc}\nbyte \"s\"\njson_ref JSONString\nlog\n{doc}\nbyte \"n\"\njson_ref JSONUint64\nitob\nlog\n\
             {doc}\nbyte \"o\"\njson_ref JSONObject\nlog\nint 1"
        ));
        assert_eq!(logs[0], b"x\ny".to_vec());
        assert_eq!(logs[1], 42u64.to_be_bytes().to_vec());
        assert_eq!(logs[2], br#"{"k": [1]}"#.to_vec());
        fails(&format!("{doc}\nbyte \"zz\"\njson_ref JSONUint64"), "key zz not found in JSON text");
        fails(
            "byte \"{\\\"a\\\":1,\\\"a\\\":2}\"\nbyte \"a\"\njson_ref JSONUint64",
            "duplicate keys",
        );
    }
}

mod crypto {
    use super::*;

    #[test]
    fn hashes_match_known_digests() {
        let logs = logged(
            "byte \"abc\"\nsha256\nlog\nbyte \"abc\"\nkeccak256\nlog\nbyte \"abc\"\nsha3_256\nlog\nint 1",
        );
        let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
        assert_eq!(
            hex(&logs[0]),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            hex(&logs[1]),
            "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"
        );
        assert_eq!(
            hex(&logs[2]),
            "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532"
        );
    }

    #[test]
    fn ed25519_verify_bare_accepts_a_real_signature() {
        use ed25519_dalek::{Signer, SigningKey};
        let key = SigningKey::from_bytes(&[3; 32]);
        let sig = key.sign(b"msg").to_bytes();
        let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
        let body = format!(
            "#pragma version 10\nbyte \"msg\"\nbyte 0x{}\nbyte 0x{}\ned25519verify_bare\n\
             byte \"msh\"\nbyte 0x{}\nbyte 0x{}\ned25519verify_bare\n!\n&&",
            hex(&sig),
            hex(key.verifying_key().as_bytes()),
            hex(&sig),
            hex(key.verifying_key().as_bytes())
        );
        let cost = super::eval_support::run_sig(super::eval_support::asm(&body), vec![]);
        assert_eq!(cost.expect("signature verifies"), 2 * 1900 + 9);
        let bad = "#pragma version 10\nbyte 0x\nint 64\nbzero\nint 31\nbzero\ned25519verify";
        let err = super::eval_support::run_sig(super::eval_support::asm(bad), vec![]);
        assert!(err.expect_err("bad key").to_string().contains("invalid public key"));
    }

    #[test]
    fn curve_opcodes_are_unsupported() {
        let e = fails(
            "int 32\nbzero\ndup\ndup\ndup\ndup\necdsa_verify Secp256k1",
            "unsupported opcode ecdsa_verify",
        );
        assert_eq!(e.kind(), tipforge_teal::eval::FaultKind::Unsupported);
    }
}

mod flow {
    use super::*;

    #[test]
    fn branches_and_loops() {
        let body = "int 0\nloop:\nint 1\n+\ndup\nint 10\n<\nbnz loop\nitob\nlog\nint 0\nbz skip\nerr\nskip:\nint 1";
        assert_eq!(logged_ints(body), vec![10]);
    }

    #[test]
    fn err_assert_and_final_stack() {
        fails("err", "err opcode executed");
        fails("int 0\nassert\nint 1", "assert failed pc=3");
        fails("int 1\nint 1", "stack len is 2 instead of 1");
        fails("byte 0x01", "stack finished with bytes not int");
        fails("int 1\nstore 0\nload 0\ncallsub f\nf:\n+", "stack underflow in +");
        let rejected = super::eval_support::run("#pragma version 10\nint 0");
        assert!(matches!(rejected, Err(tipforge_teal::eval::EvalError::Rejected { .. })));
    }

    #[test]
    fn subroutines_with_frames() {
        let body = "int 3\nint 4\ncallsub add\nitob\nlog\nint 1\nreturn\n\
                    add:\nproto 2 1\nframe_dig -2\nframe_dig -1\n+\nretsub";
        assert_eq!(logged_ints(body), vec![7]);
        fails(
            "callsub f\nint 1\nreturn\nf:\nproto 0 2\nint 1\nretsub",
            "retsub executed with 1 return values on stack. proto declared 2",
        );
        fails("retsub", "retsub with empty callstack");
    }

    #[test]
    fn switch_and_match() {
        assert_eq!(
            logged_ints("int 1\nswitch a b\nerr\na:\nerr\nb:\nint 5\nitob\nlog\nint 1"),
            vec![5]
        );
        assert_eq!(
            logged_ints("int 9\nswitch a\nint 6\nitob\nlog\nint 1\nreturn\na:\nerr"),
            vec![6]
        );
        let body = "byte \"x\"\nbyte \"y\"\nbyte \"y\"\nmatch a b\nerr\na:\nerr\nb:\nint 1";
        approves(body);
    }

    #[test]
    fn stack_shuffles() {
        let body = "int 1\nint 2\nint 3\ncover 2\nuncover 1\n-\n-\nitob\nlog\nint 7\ndupn 2\npopn 1\n+\nitob\nlog\n\
                    int 1\nint 2\nint 3\nbury 2\n+\nitob\nlog\nint 10\nint 20\nint 1\nselect\nitob\nlog\n\
                    int 5\nint 6\ndig 1\nitob\nlog\npop\npop\nint 1";
        assert_eq!(logged_ints(body), vec![2, 14, 5, 20, 5]);
        fails("int 1\nstore 0\nload 0\ncallsub f\nf:\ndig 3", "dig 3 with stack size = 1");
        fails("int 1\nstore 0\nload 0\ncallsub f\nf:\npopn 2", "popn 2 while stack contains 1");
        fails("int 1\ncallsub f\nf:\nbury 1", "bury outside stack");
    }

    #[test]
    fn stack_and_budget_limits() {
        fails("int 1\ndupn 255\ndupn 255\ndupn 255\ndupn 255", "stack overflow");
        let e = fails(
            "loop:\nb loop",
            "dynamic cost budget exceeded, executing b: local program cost was 700",
        );
        assert_eq!(e.kind(), tipforge_teal::eval::FaultKind::Limit);
    }

    #[test]
    fn scratch_space() {
        assert_eq!(
            logged_ints(
                "int 5\nstore 3\nint 3\nloads\nint 2\nint 4\nstores\nload 2\n+\nitob\nlog\nint 1"
            ),
            vec![9]
        );
        fails("int 256\ntxn NumAppArgs\n+\nloads", "invalid Scratch index 256");
    }

    #[test]
    fn constants_blocks() {
        assert_eq!(
            logged_ints(
                "intcblock 5 6\nintc_1\nintc 0\n*\nitob\nlog\npushints 1 2\n+\nitob\nlog\nint 1"
            ),
            vec![30, 3]
        );
    }

    #[test]
    fn version_gating_and_bad_bytecode() {
        let v2 = super::eval_support::run("#pragma version 2\nint 1\nint 2\n+\nint 3\n==");
        assert!(v2.is_ok());
        let raw = tipforge_teal::eval::evaluate_logic_sigs(
            &[tipforge_teal::eval::GroupTxn {
                logic_sig: Some(tipforge_teal::eval::LogicSig {
                    program: vec![10, 0xfe],
                    args: vec![],
                }),
                ..Default::default()
            }],
            &tipforge_teal::eval::EvalParams::default(),
        );
        assert!(raw.expect_err("illegal").to_string().contains("illegal opcode 0xfe"));
    }
}

mod logs {
    use super::*;

    #[test]
    fn log_limits() {
        fails(
            "int 0\nl:\nint 1\n+\ndup\nitob\nlog\nb l",
            "too many log calls in program. up to 32 is allowed",
        );
        fails(
            "int 600\nbzero\ndup\nlog\nlog\nint 1",
            "program logs too large. 1200 bytes >  1024 bytes limit",
        );
    }
}
