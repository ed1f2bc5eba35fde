//! What can stop a listener cycle.

use tipforge_algo::Round;

use crate::store::StoreError;

/// A failed listener cycle. Nothing of a failed cycle is committed.
#[derive(Debug, thiserror::Error)]
pub enum ListenerError {
    /// The node or indexer failed.
    #[error(transparent)]
    Chain(#[from] tipforge_chain::ChainError),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A block or log could not be read.
    #[error("round {round}: {source}")]
    Codec {
        /// The round being read.
        round: Round,
        /// What was wrong.
        #[source]
        source: tipforge_algo::CodecError,
    },
    /// algod no longer has these rounds and no indexer is configured to catch up from.
    #[error("rounds {from}..={to} are gone from the node and no indexer is configured")]
    RoundsUnavailable {
        /// The first missing round.
        from: Round,
        /// The last round wanted.
        to: Round,
    },
}
