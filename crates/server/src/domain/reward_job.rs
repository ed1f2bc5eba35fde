//! Reward jobs: one durable row per (tip, reward kind), moving from queued to done (or dead)
//! while the minter mints and delivers the reward.

use std::fmt;
use std::str::FromStr;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;
use tipforge_algo::{Address, AssetId, Round, TxId};

use super::{Template, TemplateId, TemplateKind, Timestamp};

macro_rules! spelled_enum {
    ($(#[$doc:meta])* $name:ident ($noun:literal) {
        $($(#[$vdoc:meta])* $variant:ident => $text:literal),+ $(,)?
    }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vdoc])* $variant),+
        }

        impl $name {
            /// The stored spelling.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text),+
                }
            }
        }

        impl FromStr for $name {
            type Err = String;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                match text {
                    $($text => Ok(Self::$variant),)+
                    other => Err(format!(concat!("unknown ", $noun, " {:?}"), other)),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

spelled_enum!(
    /// Where a reward job is in its life.
    JobState ("job state") {
        /// Waiting to be minted.
        Queued => "queued",
        /// Its mint transaction is in flight.
        Minting => "minting",
        /// Its asset exists; it waits for delivery.
        Minted => "minted",
        /// Its delivery transaction is in flight.
        Delivering => "delivering",
        /// Delivered.
        Done => "done",
        /// Minted, but the fan has not opted in to the asset yet.
        AwaitingOptin => "awaiting_optin",
        /// The last step failed; it is retried at `next_attempt_at`.
        Failed => "failed",
        /// Given up; an operator may retry it by hand.
        Dead => "dead",
    }
);

spelled_enum!(
    /// Which asset a reward is, and so how it is held: the rules pick it, jobs mint it, NFTs
    /// carry it.
    Variant ("variant") {
        /// Frozen in the fan's account and recoverable by the platform (clawback).
        Soulbound => "soulbound",
        /// A transferable asset the fan owns outright.
        Golden => "golden",
    }
);

spelled_enum!(
    /// What kind of failure stopped a job, which decides how it is retried.
    ErrorClass ("error class") {
        /// The network or node hiccupped: retried with backoff.
        Transient => "transient",
        /// The node refused the transaction or the job's input is invalid: retried once to
        /// confirm, then dead.
        Permanent => "permanent",
        /// The operator must act (the platform account is underfunded, the node is
        /// misconfigured): retried at the longest interval, with an alert raised.
        Operator => "operator",
    }
);

/// Identifies a reward job: the tip that earned it and what it awards.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct JobKey {
    /// The tip's transaction id.
    pub tip_txid: String,
    /// The reward kind.
    pub kind: TemplateKind,
}

impl fmt::Display for JobKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.tip_txid, self.kind.as_str())
    }
}

/// A signed transaction stored before it is sent, so that a restart asks the chain about it
/// instead of sending another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inflight {
    /// The signed transaction's msgpack bytes.
    pub signed: Vec<u8>,
    /// Its id.
    pub txid: TxId,
    /// The last round it can be committed in.
    pub last_valid: Round,
}

/// A reward job as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RewardJob {
    /// Which job.
    pub key: JobKey,
    /// The template it awards from.
    pub template_id: Option<TemplateId>,
    /// Soulbound or golden.
    pub variant: Variant,
    /// Where it is.
    pub state: JobState,
    /// Failed attempts since the last success.
    pub attempts: u32,
    /// When it is next due.
    pub next_attempt_at: Timestamp,
    /// The last failure, kept on dead jobs.
    pub last_error: Option<String>,
    /// The class of the last failure.
    pub error_class: Option<ErrorClass>,
    /// The transaction in flight, if any.
    pub inflight: Option<Inflight>,
    /// The asset, once minted.
    pub asset_id: Option<AssetId>,
    /// When the job was queued.
    pub created_at: Timestamp,
    /// When the job last changed.
    pub updated_at: Timestamp,
}

/// A job claimed by a minter worker, with what it needs from the tip and template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedJob {
    /// The job.
    pub job: RewardJob,
    /// Who receives the reward.
    pub fan: Address,
    /// Whose template it is.
    pub creator: Address,
    /// The round of the tip.
    pub tip_round: Round,
    /// When the tip was stored.
    pub tip_ingested_at: Timestamp,
    /// The template, when the job names one that exists.
    pub template: Option<Template>,
}

/// A position in the listing of jobs (ordered by tip txid, then kind). Clients see it as an
/// opaque token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobCursor(pub JobKey);

impl JobCursor {
    /// The opaque token handed to clients.
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("{}|{}", self.0.tip_txid, self.0.kind.as_str()))
    }

    /// Reads a token made by [`JobCursor::encode`]; `None` for anything else.
    pub fn decode(token: &str) -> Option<Self> {
        let text = String::from_utf8(URL_SAFE_NO_PAD.decode(token).ok()?).ok()?;
        let (tip_txid, kind) = text.rsplit_once('|')?;
        Some(Self(JobKey { tip_txid: tip_txid.to_owned(), kind: kind.parse().ok()? }))
    }
}

/// One page of jobs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobPage {
    /// The jobs on this page.
    pub jobs: Vec<RewardJob>,
    /// Where the next page starts, if there are more.
    pub next: Option<JobCursor>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_round_trip_through_their_spelling() {
        for state in [JobState::Queued, JobState::AwaitingOptin, JobState::Dead] {
            assert_eq!(state.as_str().parse::<JobState>(), Ok(state));
        }
        assert!("minted!".parse::<JobState>().is_err());
    }

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let key = JobKey { tip_txid: "ABC|DEF".into(), kind: TemplateKind::LoyaltyBadge };
        let cursor = JobCursor(key);

        assert_eq!(JobCursor::decode(&cursor.encode()), Some(cursor));
        assert_eq!(JobCursor::decode("%%%"), None);
    }
}
