//! The platform account: from the configured mnemonic, or (dev only) generated once and kept in
//! `<data_dir>/platform.key`, readable by its owner alone, and funded from the devnet's genesis.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use tipforge_algo::transaction::Payment;
use tipforge_algo::{CodecError, MicroAlgos, SecretKey, Transaction, TxId};
use tipforge_chain::{Algod, ChainError};
use tipforge_devnet::DevnetHandle;

use crate::config::Secret;

/// The file, in the data directory, that keeps a generated platform account's mnemonic.
const PLATFORM_KEY_FILE: &str = "platform.key";

/// Below this balance a devnet platform account is topped up.
const LOW_BALANCE: MicroAlgos = MicroAlgos(1_000_000_000);
/// What a top-up sends: plenty for many deployments and mints.
const TOP_UP: MicroAlgos = MicroAlgos(100_000_000_000);
/// How long a top-up may take to be confirmed.
const CONFIRM_POLLS: u32 = 100;
const CONFIRM_POLL_INTERVAL: Duration = Duration::from_millis(100);

/// Why the platform account is not usable.
#[derive(Debug, thiserror::Error)]
pub enum PlatformError {
    /// The configured or stored mnemonic is not a valid 25-word key.
    #[error("the platform mnemonic is invalid")]
    Mnemonic(#[source] CodecError),
    /// The key file could not be read or written.
    #[error("cannot use the platform key file {path}")]
    KeyFile {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The top-up could not be built.
    #[error("cannot build the platform top-up")]
    TopUp(#[source] CodecError),
    /// The node refused or failed a request while funding.
    #[error("cannot fund the platform account")]
    Chain(#[from] ChainError),
    /// The top-up was not confirmed in time.
    #[error("the platform top-up {txid} was not confirmed")]
    Unconfirmed {
        /// The top-up's transaction id.
        txid: TxId,
    },
}

/// The platform key: the configured mnemonic, else the one in the key file, else a new one
/// written there. With an embedded devnet, a low balance is topped up from a genesis account.
pub(super) async fn load_or_create(
    mnemonic: Option<&Secret>,
    data_dir: &Path,
    algod: &Algod,
    devnet: Option<&DevnetHandle>,
) -> Result<SecretKey, PlatformError> {
    let key = match mnemonic {
        Some(words) => SecretKey::from_mnemonic(words.expose()).map_err(PlatformError::Mnemonic)?,
        None => load_or_generate(&data_dir.join(PLATFORM_KEY_FILE))?,
    };
    if let Some(devnet) = devnet {
        fund_from_genesis(&key, algod, devnet).await?;
    }
    tracing::info!(target: "server", address = %key.address(), "platform account ready");
    Ok(key)
}

fn load_or_generate(path: &Path) -> Result<SecretKey, PlatformError> {
    let key_file_error = |source| PlatformError::KeyFile { path: path.to_owned(), source };
    match std::fs::read_to_string(path) {
        Ok(words) => SecretKey::from_mnemonic(words.trim()).map_err(PlatformError::Mnemonic),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            let key = SecretKey::generate();
            write_owner_only(path, key.mnemonic().expose_secret()).map_err(key_file_error)?;
            tracing::info!(target: "server", path = %path.display(), "platform account generated");
            Ok(key)
        }
        Err(err) => Err(key_file_error(err)),
    }
}

/// Creates `path` with owner-only permissions; an existing file is never overwritten.
fn write_owner_only(path: &Path, contents: &str) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(contents.as_bytes())?;
    file.write_all(b"\n")?;
    file.sync_all()
}

async fn fund_from_genesis(
    key: &SecretKey,
    algod: &Algod,
    devnet: &DevnetHandle,
) -> Result<(), PlatformError> {
    let balance = algod.account(&key.address()).await?.amount;
    let Some(funder) = devnet.accounts().into_iter().next() else {
        return Ok(());
    };
    if balance >= LOW_BALANCE || funder.address == key.address() {
        return Ok(());
    }
    let params = algod.suggested_params().await?;
    let payment = Payment::new(key.address(), TOP_UP);
    let txn = Transaction::builder(funder.address, &params, payment)
        .build()
        .map_err(PlatformError::TopUp)?;
    let signed = txn.sign(&funder.key);
    let txid = algod.submit(signed.encode()).await?;
    confirm(algod, txid).await?;
    tracing::info!(target: "server", amount = TOP_UP.0, "platform account funded from genesis");
    Ok(())
}

async fn confirm(algod: &Algod, txid: TxId) -> Result<(), PlatformError> {
    for _ in 0..CONFIRM_POLLS {
        if algod.pending(&txid).await?.confirmed_round.is_some() {
            return Ok(());
        }
        tokio::time::sleep(CONFIRM_POLL_INTERVAL).await;
    }
    Err(PlatformError::Unconfirmed { txid })
}
