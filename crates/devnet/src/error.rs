//! The ledger's error type: why a transaction or group was refused, in algod's words.

use tipforge_algo::TxId;

/// Why the ledger refused a transaction group. Each variant words its message the way algod
/// does, so that SDK users see familiar text ("overspend", "logic eval error: … pc=N").
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    /// The bytes are not a signed transaction (or not canonical msgpack).
    #[error("msgpack decode error: {reason}")]
    Decode {
        /// What the decoder said.
        reason: String,
    },
    /// A signature, multisig or logic-signature delegation does not verify, or the wrong key
    /// signed a rekeyed account.
    #[error("transaction {txid}: {reason}")]
    Signature {
        /// The transaction.
        txid: TxId,
        /// Why.
        reason: String,
    },
    /// A field breaks a protocol rule before any state is read (limits, genesis, validity).
    #[error("transaction {txid}: {reason}")]
    Malformed {
        /// The transaction.
        txid: TxId,
        /// Why.
        reason: String,
    },
    /// The current round is outside the transaction's validity window.
    #[error("transaction {txid}: txn dead: round {round} outside of {first}--{last}")]
    Dead {
        /// The transaction.
        txid: TxId,
        /// The round being assembled.
        round: u64,
        /// First valid round.
        first: u64,
        /// Last valid round.
        last: u64,
    },
    /// The group's fees do not cover the minimum fee of every member.
    #[error("txgroup had {paid} in fees, which is less than the minimum {count} * {min_fee}")]
    Fee {
        /// Fees the group pays.
        paid: u64,
        /// Members (and inner transactions prepaid) the fees must cover.
        count: u64,
        /// The minimum fee.
        min_fee: u64,
    },
    /// The group is malformed: size, group ids.
    #[error("transactionGroup: {reason}")]
    Group {
        /// Why.
        reason: String,
    },
    /// The transaction is already in the ledger (or the pool).
    #[error("transaction already in ledger: {txid}")]
    Duplicate {
        /// The transaction.
        txid: TxId,
    },
    /// Another transaction holds the same (sender, lease) until its last valid round.
    #[error("transaction {txid} using an overlapping lease (sender, lease):({sender}, {lease})")]
    Lease {
        /// The transaction.
        txid: TxId,
        /// Its sender.
        sender: String,
        /// The lease, base64.
        lease: String,
    },
    /// Applying the transaction failed: overspend, minimum balance, asset rules, programs.
    #[error("transaction {txid}: {reason}")]
    Apply {
        /// The transaction.
        txid: TxId,
        /// Why, worded as algod words it.
        reason: String,
    },
    /// The pool holds as many transactions as it may; the group can be sent again once a block
    /// has taken some.
    #[error("TransactionPool.checkPendingQueueSize: transaction pool has reached capacity")]
    PoolFull,
}

impl LedgerError {
    /// The rejected transaction, when one is to blame.
    pub fn txid(&self) -> Option<TxId> {
        match self {
            Self::Signature { txid, .. }
            | Self::Malformed { txid, .. }
            | Self::Dead { txid, .. }
            | Self::Duplicate { txid }
            | Self::Lease { txid, .. }
            | Self::Apply { txid, .. } => Some(*txid),
            Self::Decode { .. } | Self::Fee { .. } | Self::Group { .. } | Self::PoolFull => None,
        }
    }
}

/// The ledger's result alias.
pub type Result<T, E = LedgerError> = std::result::Result<T, E>;
