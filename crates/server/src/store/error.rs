//! What can go wrong in the store, with constraint violations already turned into outcomes.

use tipforge_algo::{Address, AppId, Round};

use crate::domain::TemplateId;

/// The store's result type.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A failed store operation.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The creator already has an active contract (`contracts_one_active_per_creator`).
    #[error("creator {creator} already has an active contract")]
    ActiveContractExists {
        /// The creator.
        creator: Address,
    },
    /// The app id or app address is already registered.
    #[error("app {app_id} is already registered")]
    AppAlreadyRegistered {
        /// The app.
        app_id: AppId,
    },
    /// Another user already has this username (`users_username_key`).
    #[error("the username {username:?} is taken")]
    UsernameTaken {
        /// The name.
        username: String,
    },
    /// A row refers to a wallet that has never signed in.
    #[error("no user with wallet {wallet}")]
    UnknownUser {
        /// The wallet.
        wallet: Address,
    },
    /// A tip refers to an app that is not a known TipProxy contract.
    #[error("tip {txid} refers to unknown app {app_id}")]
    UnknownApp {
        /// The tip.
        txid: String,
        /// The app.
        app_id: AppId,
    },
    /// Two different tips claim one position in a block: the chain data is inconsistent.
    #[error("round {round} position {intra_round} already holds another tip")]
    TipPositionTaken {
        /// The round.
        round: Round,
        /// The position in the round.
        intra_round: u64,
    },
    /// The creator already has a template with this name.
    #[error("a template named {name:?} already exists")]
    TemplateNameTaken {
        /// The name.
        name: String,
    },
    /// No such template (for this creator).
    #[error("template {id} not found")]
    TemplateNotFound {
        /// The template.
        id: TemplateId,
    },
    /// The template has rewards minted or queued from it, so it must stay.
    #[error("template {id} has rewards and cannot be deleted")]
    TemplateInUse {
        /// The template.
        id: TemplateId,
    },
    /// The idempotency key was first used by another wallet or for a different request.
    #[error("idempotency key {key:?} was already used for a different request")]
    IdempotencyKeyReused {
        /// The key.
        key: String,
    },
    /// The challenge was used, has expired, or was issued to another wallet.
    #[error("the challenge is unknown, used or expired")]
    ChallengeUnavailable,
    /// A number does not fit SQL's signed 64-bit integers.
    #[error("{what} {value} does not fit a signed 64-bit integer")]
    OutOfRange {
        /// What the number is.
        what: &'static str,
        /// The number.
        value: u64,
    },
    /// A stored value does not parse as its domain type.
    #[error("column {column} holds an invalid value: {reason}")]
    Corrupt {
        /// The column.
        column: &'static str,
        /// Why it is invalid.
        reason: String,
    },
    /// The database URL names a database the store does not support.
    #[error("unsupported database URL scheme {scheme:?}; use sqlite: or postgres:")]
    UnsupportedUrl {
        /// The scheme given.
        scheme: String,
    },
    /// The database failed or could not be reached.
    #[error("database error")]
    Database(#[from] sqlx::Error),
    /// The schema could not be migrated.
    #[error("database migration failed")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}
