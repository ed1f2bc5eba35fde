//! What can go wrong managing creators, classified for the API.

use std::sync::Arc;

use tipforge_algo::{Address, AppId, CodecError, Round, TxId};
use tipforge_chain::{ChainError, ErrorKind as ChainErrorKind};

use crate::store::StoreError;

/// The creators service's result type.
pub type Result<T, E = CreatorsError> = std::result::Result<T, E>;

/// How the API should treat a [`CreatorsError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreatorsErrorKind {
    /// The caller may not do this.
    Forbidden,
    /// No such creator or contract.
    NotFound,
    /// It conflicts with a registration in progress or a pending transaction.
    Conflict,
    /// The node refused a transaction or query on its merits.
    Rejected,
    /// The node or database is unreachable or slow; retrying later may work.
    Unavailable,
    /// A bug or corrupt data.
    Internal,
}

/// A failed creators operation.
#[derive(Debug, thiserror::Error)]
pub enum CreatorsError {
    /// Only a creator may do this, and the caller is a fan.
    #[error("only a registered creator may do this")]
    NotACreator,
    /// The wallet is not a registered creator.
    #[error("creator {wallet} not found")]
    UnknownCreator {
        /// The wallet.
        wallet: Address,
    },
    /// Another request is deploying this creator's contract and did not finish in time.
    #[error("a registration for {creator} is in progress; retry shortly")]
    RegistrationInProgress {
        /// The creator.
        creator: Address,
    },
    /// Another request took the registration over from this one.
    #[error("the registration for {creator} was taken over by another request")]
    ClaimLost {
        /// The creator.
        creator: Address,
    },
    /// An earlier create transaction may still confirm, so a second one is not sent yet.
    #[error("an earlier deployment ({txid}) may still confirm until round {last_valid}")]
    EarlierCreatePending {
        /// The earlier transaction.
        txid: TxId,
        /// Its last valid round.
        last_valid: Round,
    },
    /// A transaction was dropped by the node's pool.
    #[error("transaction {txid} was dropped: {reason}")]
    Dropped {
        /// The transaction.
        txid: TxId,
        /// The node's reason.
        reason: String,
    },
    /// A transaction's validity window passed without it confirming.
    #[error("transaction {txid} expired unconfirmed after round {last_valid}")]
    Expired {
        /// The transaction.
        txid: TxId,
        /// Its last valid round.
        last_valid: Round,
    },
    /// A confirmed create transaction reported no application.
    #[error("transaction {txid} confirmed without creating an application")]
    NoAppCreated {
        /// The transaction.
        txid: TxId,
    },
    /// The application's global state is not a TipProxy's.
    #[error("app {app_id} does not hold a TipProxy's state: {reason}")]
    NotATipProxy {
        /// The application.
        app_id: AppId,
        /// What is missing or wrong.
        reason: &'static str,
    },
    /// A transaction could not be built.
    #[error("cannot build the transaction")]
    Build(#[from] CodecError),
    /// The node failed or refused.
    #[error(transparent)]
    Chain(#[from] ChainError),
    /// The database failed or refused.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A failure shared by every request that waited on one cached read.
    #[error(transparent)]
    Shared(#[from] Arc<CreatorsError>),
}

impl CreatorsError {
    /// How the API should treat this error.
    pub fn kind(&self) -> CreatorsErrorKind {
        use CreatorsErrorKind as Kind;
        match self {
            Self::NotACreator => Kind::Forbidden,
            Self::UnknownCreator { .. } => Kind::NotFound,
            Self::RegistrationInProgress { .. }
            | Self::ClaimLost { .. }
            | Self::EarlierCreatePending { .. } => Kind::Conflict,
            Self::Dropped { .. } => Kind::Rejected,
            Self::Expired { .. } => Kind::Unavailable,
            Self::NoAppCreated { .. } | Self::NotATipProxy { .. } | Self::Build(_) => {
                Kind::Internal
            }
            Self::Chain(err) => match err.kind() {
                ChainErrorKind::Rejected => Kind::Rejected,
                ChainErrorKind::NotFound => Kind::NotFound,
                ChainErrorKind::Transient | ChainErrorKind::Permanent => Kind::Unavailable,
            },
            Self::Store(StoreError::Database(sqlx::Error::PoolTimedOut)) => Kind::Unavailable,
            Self::Store(
                StoreError::UsernameTaken { .. } | StoreError::ActiveContractExists { .. },
            ) => Kind::Conflict,
            Self::Store(StoreError::UnknownUser { .. }) => Kind::NotFound,
            Self::Store(_) => Kind::Internal,
            Self::Shared(err) => err.kind(),
        }
    }

    /// A stable, machine-readable name for this failure.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotACreator => "not_a_creator",
            Self::UnknownCreator { .. } => "creator_not_found",
            Self::RegistrationInProgress { .. } => "registration_in_progress",
            Self::ClaimLost { .. } => "registration_taken_over",
            Self::EarlierCreatePending { .. } => "deployment_pending",
            Self::Dropped { .. } => "chain_rejected",
            Self::Expired { .. } => "transaction_expired",
            Self::Chain(err) => match err.kind() {
                ChainErrorKind::Rejected => "chain_rejected",
                ChainErrorKind::NotFound => "chain_not_found",
                ChainErrorKind::Transient | ChainErrorKind::Permanent => "chain_unavailable",
            },
            Self::Store(StoreError::UsernameTaken { .. }) => "username_taken",
            Self::Store(StoreError::ActiveContractExists { .. }) => "contract_exists",
            Self::Store(StoreError::UnknownUser { .. }) => "user_unknown",
            Self::Store(StoreError::Database(sqlx::Error::PoolTimedOut)) => "database_busy",
            Self::Shared(err) => err.code(),
            Self::NoAppCreated { .. } | Self::NotATipProxy { .. } | Self::Build(_) => "internal",
            Self::Store(_) => "internal",
        }
    }
}
