//! Logic signatures: a program that authorizes transactions, either as its own account or
//! delegated by an account's key or multisig.

use crate::address::Address;
use crate::error::{CodecError, Result};
use crate::hash::HashPrefix;
use crate::keys::{self, SecretKey, Signature};
use crate::msgpack::Value;
use crate::multisig::{MultisigAccount, MultisigSig};
use crate::transaction::fields::{FieldReader, FieldWriter, fixed64};

/// Whose authority a logic signature carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delegation {
    /// None: the program is its own account (contract account, `Address::for_program`).
    ContractAccount,
    /// An account signed "Program" ‖ program (`sig`).
    Single(Signature),
    /// A multisig account signed "Program" ‖ program (`msig`, the original form).
    Multisig(MultisigSig),
    /// A multisig account signed "MsigProgram" ‖ its address ‖ program (`lmsig`, which binds
    /// the signature to one multisig account).
    MultisigBound(MultisigSig),
}

/// A logic signature (`lsig`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogicSig {
    /// The program bytecode (`l`).
    pub program: Vec<u8>,
    /// Arguments the program can read (`arg`); not covered by any signature.
    pub args: Vec<Vec<u8>>,
    /// Whose authority it carries.
    pub delegation: Delegation,
}

impl LogicSig {
    /// A contract-account logic signature.
    pub fn contract_account(program: Vec<u8>, args: Vec<Vec<u8>>) -> Self {
        Self { program, args, delegation: Delegation::ContractAccount }
    }

    /// A logic signature delegated by `signer`'s key.
    pub fn delegate(program: Vec<u8>, args: Vec<Vec<u8>>, signer: &SecretKey) -> Self {
        let signature = signer.sign_program(&program);
        Self { program, args, delegation: Delegation::Single(signature) }
    }

    /// A logic signature delegated by a multisig account (`lmsig` form), signed by `signers`.
    pub fn delegate_multisig(
        program: Vec<u8>,
        args: Vec<Vec<u8>>,
        account: &MultisigAccount,
        signers: &[&SecretKey],
    ) -> Result<Self> {
        let message = bound_message(&account.address(), &program);
        let multisig = account.sign(signers, HashPrefix::MultisigProgram, &message)?;
        Ok(Self { program, args, delegation: Delegation::MultisigBound(multisig) })
    }

    /// The account whose transactions this logic signature can authorize.
    pub fn authorizer(&self) -> Result<Address> {
        match &self.delegation {
            Delegation::ContractAccount => Ok(Address::for_program(&self.program)),
            Delegation::Single(_) => Err(CodecError::InvalidField {
                field: "lsig.sig".into(),
                reason: "a single-key delegation does not name its signer",
            }),
            Delegation::Multisig(multisig) | Delegation::MultisigBound(multisig) => {
                Ok(multisig.account()?.address())
            }
        }
    }

    /// Checks that this logic signature carries `authorizer`'s authority. The program itself is
    /// not run: that needs the AVM and the ledger.
    pub fn verify(&self, authorizer: &Address) -> Result<()> {
        let mismatch = CodecError::InvalidField {
            field: "lsig".into(),
            reason: "does not belong to the authorizing account",
        };
        match &self.delegation {
            Delegation::ContractAccount => {
                (Address::for_program(&self.program) == *authorizer).then_some(()).ok_or(mismatch)
            }
            Delegation::Single(signature) => {
                keys::verify(authorizer, HashPrefix::Program, &self.program, signature)
            }
            Delegation::Multisig(multisig) => {
                require(multisig.account()?.address() == *authorizer, mismatch)?;
                multisig.verify(HashPrefix::Program, &self.program)
            }
            Delegation::MultisigBound(multisig) => {
                require(multisig.account()?.address() == *authorizer, mismatch)?;
                let message = bound_message(authorizer, &self.program);
                multisig.verify(HashPrefix::MultisigProgram, &message)
            }
        }
    }

    /// The `lsig` msgpack value.
    pub fn to_value(&self) -> Value {
        let args = self.args.iter().map(|arg| Value::from(arg.as_slice())).collect();
        let mut fields = FieldWriter::default();
        fields.bytes("l", &self.program).value("arg", Value::Array(args));
        match &self.delegation {
            Delegation::ContractAccount => {}
            Delegation::Single(signature) => {
                fields.bytes("sig", &signature.0);
            }
            Delegation::Multisig(multisig) => {
                fields.value("msig", multisig.to_value());
            }
            Delegation::MultisigBound(multisig) => {
                fields.value("lmsig", multisig.to_value());
            }
        }
        fields.finish()
    }

    /// Reads an `lsig` value; more than one kind of delegation is an error.
    pub fn from_value(value: &Value) -> Result<Self> {
        let mut fields = FieldReader::new(value, "lsig")?;
        let program = fields.bytes("l")?;
        let arg_path = fields.field("arg");
        let args = fields.array("arg")?.iter().map(|arg| Ok(arg.as_bytes(&arg_path)?.to_vec()));
        let args = args.collect::<Result<_>>()?;
        let mut found = Vec::new();
        if let Some(signature) = fields.get("sig") {
            found.push(Delegation::Single(Signature(fixed64(signature, "lsig.sig")?)));
        }
        if let Some(multisig) = fields.get("msig") {
            found.push(Delegation::Multisig(MultisigSig::from_value(multisig, "lsig.msig")?));
        }
        if let Some(multisig) = fields.get("lmsig") {
            let multisig = MultisigSig::from_value(multisig, "lsig.lmsig")?;
            found.push(Delegation::MultisigBound(multisig));
        }
        fields.finish()?;
        let delegation = match found.len() {
            0 => Delegation::ContractAccount,
            1 => found.remove(0),
            _ => {
                let reason = "more than one of sig, msig, lmsig";
                return Err(CodecError::InvalidField { field: "lsig".into(), reason });
            }
        };
        Ok(Self { program, args, delegation })
    }
}

fn bound_message(multisig_address: &Address, program: &[u8]) -> Vec<u8> {
    [&multisig_address.0[..], program].concat()
}

fn require(condition: bool, error: CodecError) -> Result<()> {
    if condition { Ok(()) } else { Err(error) }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROGRAM: &[u8] = &[0x06, 0x81, 0x01];

    #[test]
    fn a_contract_account_verifies_for_its_program_address_only() {
        let lsig = LogicSig::contract_account(PROGRAM.to_vec(), vec![]);

        assert_eq!(lsig.verify(&Address::for_program(PROGRAM)), Ok(()));
        assert!(lsig.verify(&Address::ZERO).is_err());
    }

    #[test]
    fn delegations_verify_for_their_signer_and_round_trip() {
        let keys: Vec<_> = (1..=2).map(|seed| SecretKey::from_seed(&[seed; 32])).collect();
        let account = MultisigAccount::new(1, keys.iter().map(SecretKey::address).collect());
        let account = account.unwrap();
        let single = LogicSig::delegate(PROGRAM.to_vec(), vec![b"a".to_vec()], &keys[0]);
        let multi = LogicSig::delegate_multisig(PROGRAM.to_vec(), vec![], &account, &[&keys[1]]);
        let multi = multi.unwrap();

        assert_eq!(single.verify(&keys[0].address()), Ok(()));
        assert!(single.verify(&keys[1].address()).is_err());
        assert_eq!(multi.verify(&account.address()), Ok(()));
        assert_eq!(LogicSig::from_value(&single.to_value()), Ok(single));
        assert_eq!(LogicSig::from_value(&multi.to_value()), Ok(multi));
    }
}
