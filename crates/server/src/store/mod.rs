//! The SQL store: one schema for SQLite and PostgreSQL, reached through sqlx's `Any` driver,
//! and the repository functions the services call.
//!
//! Every query is checked at run time (`sqlx::query` with binds), so building needs no database.

mod challenges;
mod constraint;
mod contracts;
mod dashboard;
mod editions;
mod error;
mod fans;
mod idempotency;
mod jobs;
mod leaderboards;
mod lease;
mod minting;
mod rewards;
mod row;
mod sql;
mod templates;
mod tips;
mod users;

use std::sync::Arc;
use std::time::Duration;

use sqlx::any::AnyPoolOptions;
use sqlx::migrate::Migrator;
use sqlx::{AnyConnection, AnyPool, Connection, Executor};
use tokio::sync::{Mutex, MutexGuard};

use crate::domain::Timestamp;

pub use contracts::ClaimRequest;
pub use editions::{EditionAsset, EditionReward};
pub use error::{Result, StoreError};
pub use idempotency::{Idempotency, IdempotencyKey};
pub use lease::LeaseState;
pub use minting::{
    Delivery, EXPIRED_UNDELIVERED, ExpiredMembership, JobFailure, MintSettlement, MintedReward,
    NewRewardJob, RetryOutcome,
};
pub use rewards::IngestReport;

static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// Which database a store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// One file under the data directory; one instance at a time.
    Sqlite,
    /// A server shared by any number of instances.
    Postgres,
}

impl Backend {
    /// Recognises the backend from a URL's scheme.
    pub fn of_url(url: &str) -> Result<Self> {
        let scheme = url.split_once(':').map_or("", |(scheme, _)| scheme);
        match scheme {
            "sqlite" => Ok(Self::Sqlite),
            "postgres" | "postgresql" => Ok(Self::Postgres),
            _ => Err(StoreError::UnsupportedUrl { scheme: scheme.to_owned() }),
        }
    }

    /// Pool size: SQLite serialises writers anyway, so a few connections suffice.
    fn max_connections(self) -> u32 {
        match self {
            Self::Sqlite => 4,
            Self::Postgres => 10,
        }
    }
}

/// What [`Store::sweep_expired`] removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Swept {
    /// Expired or used sign-in challenges.
    pub challenges: u64,
    /// Expired idempotency keys.
    pub idempotency_keys: u64,
}

/// A pool of connections to the database, with the schema migrated.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// On SQLite, the turn to write, taken by the pipeline's writes (ingest, claims, the
    /// write-ahead, settlements). SQLite lets one connection write at a time, and a connection
    /// that finds the lock taken sleeps in growing steps, up to 100 ms, before it looks again:
    /// under a sustained stream the pipeline's writers then spend more time asleep than
    /// writing, with the lock free. Waiting in this queue instead, each is woken the moment
    /// the writer before it is done, in the order they came.
    writer: Option<Arc<Mutex<()>>>,
}

impl Store {
    /// Connects to `url` (`sqlite://…?mode=rwc` or `postgres://…`) and applies any pending
    /// migrations.
    pub async fn open(url: &str) -> Result<Self> {
        sqlx::any::install_default_drivers();
        let backend = Backend::of_url(url)?;
        if backend == Backend::Sqlite {
            enable_write_ahead_log(url).await?;
        }
        let mut options = AnyPoolOptions::new()
            .max_connections(backend.max_connections())
            .acquire_timeout(Duration::from_secs(10));
        if backend == Backend::Sqlite {
            options = options.after_connect(|connection, _| {
                Box::pin(async move {
                    connection.execute(SQLITE_PAGE_CACHE).await?;
                    connection.execute(SQLITE_MEMORY_MAP).await?;
                    Ok(())
                })
            });
        }
        let pool = options.connect(url).await?;
        MIGRATOR.run(&pool).await?;
        tracing::info!(target: "store", ?backend, "database ready");
        let writer = (backend == Backend::Sqlite).then(|| Arc::new(Mutex::new(())));
        Ok(Self { pool, backend, writer })
    }

    /// Waits for the turn to write, on SQLite; held until the guard drops.
    async fn write_turn(&self) -> Option<MutexGuard<'_, ()>> {
        match &self.writer {
            Some(writer) => Some(writer.lock().await),
            None => None,
        }
    }

    /// Which database this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<()> {
        self.pool.execute("SELECT 1").await?;
        Ok(())
    }

    /// Deletes sign-in challenges and idempotency keys that expired before `now`.
    pub async fn sweep_expired(&self, now: Timestamp) -> Result<Swept> {
        let challenges = sqlx::query("DELETE FROM auth_challenges WHERE expires_at <= $1")
            .bind(now.0)
            .execute(&self.pool)
            .await?
            .rows_affected();
        let idempotency_keys = sqlx::query("DELETE FROM idempotency_keys WHERE expires_at <= $1")
            .bind(now.0)
            .execute(&self.pool)
            .await?
            .rows_affected();
        Ok(Swept { challenges, idempotency_keys })
    }

    /// Closes every connection; later calls fail.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Each SQLite connection's page cache, in KiB (a negative size is in KiB, not pages). SQLite's
/// default of 2 MiB is soon outgrown: tips, jobs and rewards are keyed by transaction id, so
/// every insert lands on a random index page, and once the indexes no longer fit, each one
/// reads pages back from the file and spills dirty ones early, which under a sustained tip
/// stream costs more than the rest of the statement.
const SQLITE_PAGE_CACHE: &str = "PRAGMA cache_size = -65536";

/// Reads of the database file through a memory map of up to 1 GiB: the pages then live once in
/// the operating system's cache, shared by every connection, instead of being copied into each
/// connection's cache by a system call per page.
const SQLITE_MEMORY_MAP: &str = "PRAGMA mmap_size = 1073741824";

/// WAL lets readers proceed while the listener writes. The mode is stored in the database file,
/// and switching needs an exclusive lock, so it is set once on a lone connection before the
/// pool opens.
async fn enable_write_ahead_log(url: &str) -> Result<()> {
    let mut connection = AnyConnection::connect(url).await?;
    connection.execute("PRAGMA journal_mode = WAL").await?;
    connection.close().await?;
    Ok(())
}
