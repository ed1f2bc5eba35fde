//! Hashes and Ed25519 verification. Curve opcodes (ECDSA, BN254, BLS12-381, VRF) are not here:
//! the dispatcher rejects them as unsupported.

use ed25519_dalek::{Signature, Verifier, VerifyingKey};
use sha2::{Digest, Sha256, Sha512_256};
use sha3::{Keccak256, Sha3_256};
use tipforge_algo::Address;

use crate::eval::error::{FaultKind, OpResult, fault};
use crate::eval::machine::Vm;

/// Domain separator go-algorand puts before data that `ed25519verify` checks.
const PROG_DATA: &[u8] = b"ProgData";

pub(super) fn exec(vm: &mut Vm<'_, '_>, code: u8) -> OpResult {
    match code {
        0x04 | 0x84 => verify(vm, code == 0x04),
        _ => {
            let data = vm.pop_bytes()?;
            let digest = match code {
                0x01 => Sha256::digest(&data).to_vec(),
                0x02 => Keccak256::digest(&data).to_vec(),
                0x03 => Sha512_256::digest(&data).to_vec(),
                _ => Sha3_256::digest(&data).to_vec(),
            };
            vm.push_bytes(digest);
            Ok(())
        }
    }
}

fn verify(vm: &mut Vm<'_, '_>, with_program: bool) -> OpResult {
    let key = vm.pop_bytes()?;
    let signature = vm.pop_bytes()?;
    let data = vm.pop_bytes()?;
    let Ok(key) = <[u8; 32]>::try_from(key.as_slice()) else {
        return fault(FaultKind::Bounds, "invalid public key");
    };
    let Ok(signature) = <[u8; 64]>::try_from(signature.as_slice()) else {
        return fault(FaultKind::Bounds, "invalid signature");
    };
    let message = if with_program {
        let program_hash = Address::for_program(vm.program).0;
        [PROG_DATA, &program_hash, &data].concat()
    } else {
        data
    };
    let valid = VerifyingKey::from_bytes(&key)
        .map(|k| k.verify(&message, &Signature::from_bytes(&signature)).is_ok())
        .unwrap_or(false);
    vm.push_bool(valid);
    Ok(())
}
