//! Recognising which named constraint a failed statement violated.
//!
//! PostgreSQL reports the constraint's name. SQLite names CHECK constraints but reports a
//! unique violation by its columns (`UNIQUE constraint failed: tips.txid`) and a foreign-key
//! violation not at all, so each constraint also records its SQLite spelling, and an unnamed
//! foreign-key failure is its own [`Violation`] for callers to read in context.

use sqlx::error::{DatabaseError, ErrorKind};

/// The constraints of the schema that the store turns into domain outcomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Constraint {
    UsersPkey,
    UsersUsernameKey,
    ContractsPkey,
    ContractsAppAddressKey,
    ContractsOneActivePerCreator,
    ContractsCreatorFkey,
    TemplatesPkey,
    TemplatesCreatorNameKey,
    TemplatesCreatorFkey,
    TipsPkey,
    TipsPositionKey,
    TipsAppFkey,
    RewardJobsTemplateFkey,
    NftsTemplateFkey,
    AuthChallengesPkey,
    IdempotencyKeysPkey,
}

/// Each constraint's name, and how SQLite spells a violation of it when it does not use the
/// name (the columns of a unique key); `None` where SQLite reports nothing identifying.
const SPELLINGS: &[(Constraint, &str, Option<&str>)] = &[
    (Constraint::UsersPkey, "users_pkey", Some("users.wallet")),
    (Constraint::UsersUsernameKey, "users_username_key", Some("users.username")),
    (Constraint::ContractsPkey, "contracts_pkey", Some("contracts.app_id")),
    (
        Constraint::ContractsAppAddressKey,
        "contracts_app_address_key",
        Some("contracts.app_address"),
    ),
    (
        Constraint::ContractsOneActivePerCreator,
        "contracts_one_active_per_creator",
        Some("contracts.creator"),
    ),
    (Constraint::ContractsCreatorFkey, "contracts_creator_fkey", None),
    (Constraint::TemplatesPkey, "templates_pkey", Some("templates.id")),
    (
        Constraint::TemplatesCreatorNameKey,
        "templates_creator_name_key",
        Some("templates.creator, templates.name"),
    ),
    (Constraint::TemplatesCreatorFkey, "templates_creator_fkey", None),
    (Constraint::TipsPkey, "tips_pkey", Some("tips.txid")),
    (Constraint::TipsPositionKey, "tips_position_key", Some("tips.round, tips.intra_round")),
    (Constraint::TipsAppFkey, "tips_app_fkey", None),
    (Constraint::RewardJobsTemplateFkey, "reward_jobs_template_fkey", None),
    (Constraint::NftsTemplateFkey, "nfts_template_fkey", None),
    (Constraint::AuthChallengesPkey, "auth_challenges_pkey", Some("auth_challenges.nonce")),
    (
        Constraint::IdempotencyKeysPkey,
        "idempotency_keys_pkey",
        Some("idempotency_keys.idempotency_key"),
    ),
];

const SQLITE_UNIQUE: &str = "UNIQUE constraint failed: ";

/// A constraint violation the store knows how to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Violation {
    /// A constraint identified by name (or SQLite's spelling of it).
    Of(Constraint),
    /// A foreign key SQLite did not name; the statement tells which it can be.
    UnnamedForeignKey,
}

impl Violation {
    /// The violation behind `error`, if it is one of ours.
    pub(super) fn of(error: &sqlx::Error) -> Option<Self> {
        let error = error.as_database_error()?;
        if let Some(name) = error.constraint() {
            return by_name(name).map(Self::Of);
        }
        sqlite_violation(error)
    }

    /// Whether this is `constraint`, or a foreign-key failure that may be it.
    pub(super) fn is_foreign_key(self, constraint: Constraint) -> bool {
        self == Self::Of(constraint) || self == Self::UnnamedForeignKey
    }
}

fn by_name(name: &str) -> Option<Constraint> {
    SPELLINGS.iter().find(|(_, known, _)| *known == name).map(|(constraint, _, _)| *constraint)
}

fn sqlite_violation(error: &dyn DatabaseError) -> Option<Violation> {
    if error.kind() == ErrorKind::ForeignKeyViolation {
        return Some(Violation::UnnamedForeignKey);
    }
    let columns = error.message().strip_prefix(SQLITE_UNIQUE)?;
    SPELLINGS
        .iter()
        .find(|(_, _, sqlite)| *sqlite == Some(columns))
        .map(|(constraint, _, _)| Violation::Of(*constraint))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_sqlite_spellings_are_unique() {
        for (index, (_, name, sqlite)) in SPELLINGS.iter().enumerate() {
            for (_, other_name, other_sqlite) in &SPELLINGS[index + 1..] {
                assert_ne!(name, other_name);
                assert!(sqlite.is_none() || sqlite != other_sqlite, "{name} shares columns");
            }
        }
    }

    #[test]
    fn every_name_appears_in_the_migrations() {
        let schema = include_str!("../../migrations/20261203000001_initial.sql");

        for (_, name, _) in SPELLINGS {
            assert!(schema.contains(name), "{name} is not in the schema");
        }
    }
}
