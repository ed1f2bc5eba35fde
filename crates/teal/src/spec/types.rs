//! The shapes of the opcode and field tables.

/// The type of a stack value as the opcode table names it.
///
/// Uint-valued types carry a value range and byte-valued types a length range; the assembler's
/// type check uses those bounds (see [`ArgType::bounds`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ArgType {
    /// Either a uint64 or a byte string.
    Any,
    /// Nothing: the op ends the program.
    None,
    /// Any uint64.
    Uint64,
    /// Any byte string up to 4096 bytes.
    Bytes,
    /// A uint64 that is 0 or 1.
    Bool,
    /// A 32-byte address.
    Address,
    /// A byte string of at most 64 bytes treated as a big-endian integer.
    BigInt,
    /// A byte string of at most 64 bytes used as a state key.
    StateKey,
    /// A byte string of 1 to 64 bytes naming a box.
    BoxName,
    /// A 4-byte ARC-4 method selector.
    Method,
    /// A byte string of exactly this many bytes.
    FixedBytes(u16),
}

/// The longest byte string the AVM holds.
pub const MAX_STRING_SIZE: u64 = 4096;

/// The longest operand of the byte-math opcodes (`b+`, `b*`, …).
pub const MAX_BYTE_MATH_SIZE: u64 = 64;

/// The AVM-level kind of a stack value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AvmType {
    /// No value (only for ops that end the program).
    None,
    /// Unknown: either kind.
    Any,
    /// A uint64.
    Uint64,
    /// A byte string.
    Bytes,
}

impl ArgType {
    /// The AVM kind of values of this type.
    pub fn avm_type(self) -> AvmType {
        match self {
            ArgType::Any => AvmType::Any,
            ArgType::None => AvmType::None,
            ArgType::Uint64 | ArgType::Bool => AvmType::Uint64,
            _ => AvmType::Bytes,
        }
    }

    /// The inclusive bounds: value range for uints, length range for byte strings.
    pub fn bounds(self) -> (u64, u64) {
        match self {
            ArgType::Any | ArgType::None => (0, 0),
            ArgType::Uint64 => (0, u64::MAX),
            ArgType::Bytes => (0, MAX_STRING_SIZE),
            ArgType::Bool => (0, 1),
            ArgType::Address => (32, 32),
            ArgType::BigInt => (0, MAX_BYTE_MATH_SIZE),
            ArgType::StateKey => (0, 64),
            ArgType::BoxName => (1, 64),
            ArgType::Method => (4, 4),
            ArgType::FixedBytes(n) => (u64::from(n), u64::from(n)),
        }
    }

    /// The name go-algorand gives this type in its docs and error messages.
    pub fn name(self) -> String {
        match self {
            ArgType::Any => "any".into(),
            ArgType::None => "none".into(),
            ArgType::Uint64 => "uint64".into(),
            ArgType::Bytes => "[]byte".into(),
            ArgType::Bool => "bool".into(),
            ArgType::Address => "address".into(),
            ArgType::BigInt => "bigint".into(),
            ArgType::StateKey => "stateKey".into(),
            ArgType::BoxName => "boxName".into(),
            ArgType::Method => "method".into(),
            ArgType::FixedBytes(n) => format!("[{n}]byte"),
        }
    }
}

/// Where an opcode or field may run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mode {
    /// Logic signatures only.
    Sig,
    /// Applications only.
    App,
    /// Both.
    Any,
}

impl Mode {
    /// Whether code of this mode may run in `run` mode.
    pub fn allows(self, run: Mode) -> bool {
        self == Mode::Any || self == run
    }
}

/// How an immediate argument is encoded in bytecode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ImmKind {
    /// One byte: a number 0–255 or, with a field group, a field index.
    Byte,
    /// One signed byte (−128–127).
    Int8,
    /// A branch target: signed 16-bit big-endian offset from the end of the instruction.
    Label,
    /// A uvarint.
    Uint,
    /// A uvarint length followed by that many bytes.
    Bytes,
    /// A uvarint count followed by that many uvarints.
    Uints,
    /// A uvarint count followed by that many length-prefixed byte strings.
    Bytess,
    /// A one-byte count followed by that many 16-bit branch offsets (`switch`, `match`).
    Labels,
}

/// One immediate argument of an opcode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Immediate {
    /// The name the docs give it (`F`, `I`, `TARGET`, …).
    pub name: &'static str,
    /// Its encoding.
    pub kind: ImmKind,
    /// The field group its names come from, for field immediates.
    pub group: Option<FieldGroup>,
}

/// The per-field cost of an opcode whose cost depends on a field immediate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FieldCost {
    /// The field index.
    pub field: u8,
    /// Cost before any per-chunk charge.
    pub base: u32,
    /// Cost per started chunk of the measured argument (0 when flat).
    pub per_chunk: u32,
    /// Chunk size in bytes (0 when flat).
    pub chunk_size: u32,
    /// Stack depth of the measured argument (0 = top of stack).
    pub depth: u32,
}

/// The opcode budget an instruction consumes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cost {
    /// Always this much.
    Fixed(u32),
    /// `base + per_chunk * ceil(len / chunk_size)` where `len` is the length of the byte
    /// string `depth` below the top of the stack.
    Linear {
        /// Cost before any per-chunk charge.
        base: u32,
        /// Cost per started chunk.
        per_chunk: u32,
        /// Chunk size in bytes.
        chunk_size: u32,
        /// Stack depth of the measured argument (0 = top of stack).
        depth: u32,
    },
    /// Depends on the op's field immediate.
    ByField(&'static [FieldCost]),
}

/// One opcode as defined over a range of versions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct OpSpec {
    /// The opcode byte.
    pub opcode: u8,
    /// The mnemonic.
    pub name: &'static str,
    /// The first and last version this definition applies to.
    pub versions: (u8, u8),
    /// The version the opcode first appeared in (under any definition).
    pub introduced: u8,
    /// Stack arguments, deepest first.
    pub args: &'static [ArgType],
    /// Stack results, deepest first.
    pub returns: &'static [ArgType],
    /// Immediate arguments, in encoding order.
    pub immediates: &'static [Immediate],
    /// Encoded size in bytes, or 0 when the immediates make it variable.
    pub size: u8,
    /// Opcode budget consumed.
    pub cost: Cost,
    /// Where the op may run.
    pub modes: Mode,
}

/// A family of named immediates (transaction fields, global fields, curves, …).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FieldGroup {
    /// Scalar transaction fields, for `txn`, `gtxn`, `gtxns`, `itxn`, `gitxn`.
    TxnScalar,
    /// Array transaction fields, for `txna`, `txnas`, `gtxna`, … .
    TxnArray,
    /// Transaction fields settable by `itxn_field`; a field's version is when it became settable.
    ItxnSettable,
    /// `global` fields.
    Global,
    /// `asset_holding_get` fields.
    AssetHolding,
    /// `asset_params_get` fields.
    AssetParams,
    /// `app_params_get` fields.
    AppParams,
    /// `acct_params_get` fields.
    AcctParams,
    /// `voter_params_get` fields.
    VoterParams,
    /// `base64_decode` encodings.
    Base64Encoding,
    /// `json_ref` return types.
    JsonRefType,
    /// ECDSA curves.
    EcdsaCurve,
    /// `vrf_verify` standards.
    VrfStandard,
    /// `block` fields.
    BlockField,
    /// Elliptic-curve groups of the `ec_*` opcodes.
    EcGroup,
    /// `mimc` configurations.
    MimcConfig,
}

/// One named immediate of a field group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FieldSpec {
    /// Its name in TEAL source.
    pub name: &'static str,
    /// Its encoding byte.
    pub index: u8,
    /// The first version it may be used in (0 = whenever its opcode exists).
    pub version: u8,
    /// The type it yields, when it is specific.
    pub ty: Option<ArgType>,
    /// Where it may be read.
    pub modes: Mode,
}
