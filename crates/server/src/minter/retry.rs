//! What a failed step means for its job: the error's class, decided by its type, and when the
//! job runs again.

use std::time::Duration;

use tipforge_algo::{CodecError, MicroAlgos};
use tipforge_chain::{ChainError, ErrorKind};

use crate::domain::{ErrorClass, RewardJob, Timestamp};

/// The wait after a job's first failure; each further failure doubles it.
pub const FIRST_RETRY: Duration = Duration::from_secs(60);
/// The longest wait between attempts, and the wait of operator failures.
pub const MAX_RETRY: Duration = Duration::from_secs(300);

/// Why one step (mint or delivery) of a job failed.
#[derive(Debug, thiserror::Error)]
pub enum StepError {
    /// The node failed or refused the transaction.
    #[error(transparent)]
    Chain(#[from] ChainError),
    /// The transaction could not be built from the job's data.
    #[error("cannot build the transaction: {0}")]
    Build(#[from] CodecError),
    /// The job names no template, or one that no longer exists.
    #[error("the job's template is missing")]
    NoTemplate,
    /// The template's stored data cannot go on chain.
    #[error("the template is unusable: {reason}")]
    BadTemplate {
        /// Why.
        reason: &'static str,
    },
    /// The platform account cannot pay for the batch.
    #[error("the platform account can spend {spendable} µAlgo but the batch needs {needed}")]
    Underfunded {
        /// What the batch needs.
        needed: MicroAlgos,
        /// What the account can spend above its minimum balance.
        spendable: MicroAlgos,
    },
    /// The transaction's last valid round passed without it being committed.
    #[error("the transaction expired unconfirmed")]
    Expired,
    /// The signing task died.
    #[error("signing failed")]
    SigningFailed,
}

impl StepError {
    /// How the job should be retried.
    pub fn class(&self) -> ErrorClass {
        match self {
            Self::Chain(err) => match err.kind() {
                ErrorKind::Transient | ErrorKind::NotFound => ErrorClass::Transient,
                ErrorKind::Rejected => ErrorClass::Permanent,
                // A bad URL or token, or a node speaking something else: configuration.
                ErrorKind::Permanent => ErrorClass::Operator,
            },
            Self::Build(_) | Self::NoTemplate | Self::BadTemplate { .. } => ErrorClass::Permanent,
            Self::Underfunded { .. } => ErrorClass::Operator,
            Self::Expired | Self::SigningFailed => ErrorClass::Transient,
        }
    }
}

/// What happens to a job after a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    /// The failure's class.
    pub class: ErrorClass,
    /// Whether the job is given up.
    pub dead: bool,
    /// When it runs again.
    pub next_attempt_at: Timestamp,
}

/// The wait before the next attempt of a job that has failed `failures` times before this
/// failure: 60 s, 120 s, 240 s, then 300 s.
pub fn backoff(failures: u32) -> Duration {
    FIRST_RETRY.saturating_mul(1 << failures.min(8)).min(MAX_RETRY)
}

/// Decides `job`'s fate after a failure of `class` at `now`. A permanent failure is retried
/// once to confirm it (a node may refuse for a passing reason); a second one in a row is final.
pub fn decide(job: &RewardJob, class: ErrorClass, now: Timestamp) -> Decision {
    let wait = match class {
        ErrorClass::Operator => MAX_RETRY,
        ErrorClass::Transient | ErrorClass::Permanent => backoff(job.attempts),
    };
    let dead = class == ErrorClass::Permanent && job.error_class == Some(ErrorClass::Permanent);
    Decision { class, dead, next_attempt_at: now.plus(wait) }
}

#[cfg(test)]
mod tests {
    use reqwest::StatusCode;
    use tipforge_chain::Endpoint;

    use super::*;
    use crate::domain::{JobKey, JobState, TemplateKind, Variant};

    fn job(attempts: u32, last: Option<ErrorClass>) -> RewardJob {
        RewardJob {
            key: JobKey { tip_txid: "T".into(), kind: TemplateKind::Sticker },
            template_id: None,
            variant: Variant::Soulbound,
            state: JobState::Failed,
            attempts,
            next_attempt_at: Timestamp(0),
            last_error: None,
            error_class: last,
            inflight: None,
            asset_id: None,
            created_at: Timestamp(0),
            updated_at: Timestamp(0),
        }
    }

    fn status(status: StatusCode) -> StepError {
        StepError::Chain(ChainError::Status {
            endpoint: Endpoint::algod("/v2/transactions"),
            status,
            message: String::new(),
        })
    }

    #[test]
    fn backoff_doubles_from_a_minute_and_stops_at_five() {
        let waits: Vec<u64> = (0..6).map(|n| backoff(n).as_secs()).collect();

        assert_eq!(waits, [60, 120, 240, 300, 300, 300]);
        assert_eq!(backoff(u32::MAX), MAX_RETRY);
    }

    #[test]
    fn errors_are_classified_by_type() {
        assert_eq!(status(StatusCode::SERVICE_UNAVAILABLE).class(), ErrorClass::Transient);
        assert_eq!(status(StatusCode::BAD_REQUEST).class(), ErrorClass::Permanent);
        assert_eq!(status(StatusCode::UNAUTHORIZED).class(), ErrorClass::Operator);
        assert_eq!(StepError::NoTemplate.class(), ErrorClass::Permanent);
        assert_eq!(StepError::Expired.class(), ErrorClass::Transient);
        let underfunded =
            StepError::Underfunded { needed: MicroAlgos(2), spendable: MicroAlgos(1) };
        assert_eq!(underfunded.class(), ErrorClass::Operator);
    }

    #[test]
    fn a_permanent_failure_is_final_only_when_the_retry_confirms_it() {
        let now = Timestamp(1_000_000);

        let first = decide(&job(0, None), ErrorClass::Permanent, now);
        let second = decide(&job(1, Some(ErrorClass::Permanent)), ErrorClass::Permanent, now);
        let after_transient =
            decide(&job(1, Some(ErrorClass::Transient)), ErrorClass::Permanent, now);

        assert!(!first.dead);
        assert_eq!(first.next_attempt_at, now.plus(FIRST_RETRY));
        assert!(second.dead);
        assert!(!after_transient.dead);
    }

    #[test]
    fn transient_failures_back_off_and_operator_failures_wait_the_longest() {
        let now = Timestamp(0);

        let third = decide(&job(2, Some(ErrorClass::Transient)), ErrorClass::Transient, now);
        let operator = decide(&job(0, None), ErrorClass::Operator, now);

        assert_eq!(third.next_attempt_at, now.plus(Duration::from_secs(240)));
        assert!(!third.dead);
        assert_eq!(operator.next_attempt_at, now.plus(MAX_RETRY));
        assert!(!operator.dead);
    }
}
