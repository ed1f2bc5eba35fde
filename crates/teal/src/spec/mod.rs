//! The AVM opcode and field tables for TEAL versions 1–12, generated from go-algorand's
//! `langspec_vN.json` by `generate.py`, with lookups by name, by opcode byte and by field.
//!
//! Version 0 programs use the version 1 table, as go-algorand does. Version 13 changed the
//! branch encoding and is not described here.

mod constants;
mod fields_table;
mod ops_table;
mod types;

use std::collections::HashMap;
use std::sync::OnceLock;

pub use constants::{ON_COMPLETION_NAMES, TXN_TYPE_NAMES, named_int_constant};
pub use types::*;

/// The highest TEAL version these tables describe.
pub const MAX_VERSION: u64 = 12;

/// Every opcode definition, ordered by opcode byte then version.
pub fn all_ops() -> &'static [OpSpec] {
    ops_table::OPS
}

struct VersionIndex {
    by_name: HashMap<&'static str, &'static OpSpec>,
    by_byte: [Option<&'static OpSpec>; 256],
}

fn indexes() -> &'static [VersionIndex] {
    static INDEXES: OnceLock<Vec<VersionIndex>> = OnceLock::new();
    INDEXES.get_or_init(|| (1..=MAX_VERSION as u8).map(build_index).collect())
}

fn build_index(version: u8) -> VersionIndex {
    let mut index = VersionIndex { by_name: HashMap::new(), by_byte: [None; 256] };
    for op in
        ops_table::OPS.iter().filter(|op| op.versions.0 <= version && version <= op.versions.1)
    {
        index.by_name.insert(op.name, op);
        index.by_byte[usize::from(op.opcode)] = Some(op);
    }
    index
}

fn index(version: u64) -> Option<&'static VersionIndex> {
    let slot = usize::try_from(version.max(1)).ok()?;
    indexes().get(slot - 1)
}

/// The opcode called `name` in `version`, if that version has it.
pub fn op_by_name(name: &str, version: u64) -> Option<&'static OpSpec> {
    index(version)?.by_name.get(name).copied()
}

/// The opcode encoded as `byte` in `version`, if that version has one.
pub fn op_by_byte(byte: u8, version: u64) -> Option<&'static OpSpec> {
    index(version)?.by_byte[usize::from(byte)]
}

/// Every definition of the opcode called `name`, across versions.
pub fn op_versions(name: &str) -> impl Iterator<Item = &'static OpSpec> + '_ {
    ops_table::OPS.iter().filter(move |op| op.name == name)
}

impl FieldGroup {
    /// Every field of the group, in encoding order.
    pub fn fields(self) -> &'static [FieldSpec] {
        fields_table::table(self)
    }

    /// The field called `name` (whatever its version).
    pub fn by_name(self, name: &str) -> Option<&'static FieldSpec> {
        self.fields().iter().find(|field| field.name == name)
    }

    /// The field encoded as `index` (whatever its version).
    pub fn by_index(self, index: u8) -> Option<&'static FieldSpec> {
        self.fields().iter().find(|field| field.index == index)
    }
}

/// The transaction field called `name`, scalar or array, with its type.
pub fn txn_field(name: &str) -> Option<&'static FieldSpec> {
    FieldGroup::TxnScalar.by_name(name).or_else(|| FieldGroup::TxnArray.by_name(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn looks_up_ops_by_name_and_byte_per_version() {
        assert_eq!(op_by_name("sha256", 1).map(|op| op.cost), Some(Cost::Fixed(7)));
        assert_eq!(op_by_name("sha256", 2).map(|op| op.cost), Some(Cost::Fixed(35)));
        assert!(op_by_name("pushint", 2).is_none());
        assert_eq!(op_by_byte(0x81, 3).map(|op| op.name), Some("pushint"));
        assert_eq!(op_by_byte(0x8e, 10).map(|op| op.name), Some("match"));
        assert_eq!(op_by_name("err", 0).map(|op| op.opcode), Some(0));
    }

    #[test]
    fn looks_up_fields() {
        let field = FieldGroup::TxnScalar.by_name("ApplicationID").expect("known field");
        assert_eq!((field.index, field.version), (24, 2));
        assert!(FieldGroup::TxnScalar.by_name("ApplicationArgs").is_none());
        assert_eq!(FieldGroup::TxnArray.by_index(26).map(|f| f.name), Some("ApplicationArgs"));
        assert_eq!(FieldGroup::ItxnSettable.by_name("Note").map(|f| f.version), Some(6));
        assert_eq!(FieldGroup::Global.by_name("GenesisHash").map(|f| f.version), Some(10));
    }

    #[test]
    fn every_version_has_unique_bytes_and_names() {
        for version in 1..=MAX_VERSION {
            let ops: Vec<_> = all_ops()
                .iter()
                .filter(|op| {
                    u64::from(op.versions.0) <= version && version <= u64::from(op.versions.1)
                })
                .collect();
            let names: std::collections::HashSet<_> = ops.iter().map(|op| op.name).collect();
            let bytes: std::collections::HashSet<_> = ops.iter().map(|op| op.opcode).collect();
            assert_eq!(names.len(), ops.len(), "v{version}");
            assert_eq!(bytes.len(), ops.len(), "v{version}");
        }
    }
}
