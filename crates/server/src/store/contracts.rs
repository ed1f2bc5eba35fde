//! Creators' TipProxy contracts.

use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use tipforge_algo::{Address, AppId, MicroAlgos, Round};

use super::constraint::{Constraint, Violation};
use super::row::unsigned;
use super::row::{address, bigint, optional_timestamp, optional_unsigned, parsed, timestamp};
use super::{Result, Store, StoreError};
use crate::domain::{
    Claim, ClaimToken, Contract, Registration, RegistrationState, Role, SentCreate, Timestamp,
    Username,
};

const COLUMNS: &str = "app_id, creator, app_address, version, deployed_at, retired_at";

impl Store {
    /// Records a deployed contract. A second active contract for the same creator, as two
    /// concurrent registrations would make, is refused by the database with
    /// [`StoreError::ActiveContractExists`].
    pub async fn insert_contract(&self, contract: &Contract) -> Result<()> {
        let sql = format!("INSERT INTO contracts ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)");
        sqlx::query(&sql)
            .bind(bigint("app id", contract.app_id.0)?)
            .bind(contract.creator.to_string())
            .bind(contract.app_address.to_string())
            .bind(bigint("contract version", contract.version)?)
            .bind(contract.deployed_at.0)
            .bind(contract.retired_at.map(|at| at.0))
            .execute(&self.pool)
            .await
            .map_err(|err| insert_error(err, contract))?;
        Ok(())
    }

    /// The creator's active contract, if any.
    pub async fn active_contract(&self, creator: &Address) -> Result<Option<Contract>> {
        let sql =
            format!("SELECT {COLUMNS} FROM contracts WHERE creator = $1 AND retired_at IS NULL");
        let row = sqlx::query(&sql).bind(creator.to_string()).fetch_optional(&self.pool).await?;
        row.as_ref().map(contract_from_row).transpose()
    }

    /// Every active contract, in app id order: the apps the listener watches.
    pub async fn active_contracts(&self) -> Result<Vec<Contract>> {
        let sql =
            format!("SELECT {COLUMNS} FROM contracts WHERE retired_at IS NULL ORDER BY app_id");
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        rows.iter().map(contract_from_row).collect()
    }

    /// Marks a contract retired, freeing its creator to register another.
    pub async fn retire_contract(&self, app_id: AppId, now: Timestamp) -> Result<bool> {
        let retired = sqlx::query(
            "UPDATE contracts SET retired_at = $1 WHERE app_id = $2 AND retired_at IS NULL",
        )
        .bind(now.0)
        .bind(bigint("app id", app_id.0)?)
        .execute(&self.pool)
        .await?;
        Ok(retired.rows_affected() == 1)
    }
}

const REGISTRATION_COLUMNS: &str = "creator, state, claimed_by, claimed_at, min_tip, \
    create_txid, last_valid, app_id, last_error";

/// A new registration claim: who claims, for whom, and with what.
#[derive(Debug, Clone)]
pub struct ClaimRequest<'a> {
    /// The creator registering.
    pub creator: &'a Address,
    /// The claiming request.
    pub token: &'a ClaimToken,
    /// The minimum tip to create the contract with.
    pub min_tip: MicroAlgos,
    /// The display name to reserve, if any.
    pub username: Option<&'a Username>,
    /// Now.
    pub now: Timestamp,
    /// Claims taken before this instant are abandoned and may be taken over.
    pub stale_before: Timestamp,
}

impl Store {
    /// Claims the creator's registration for `request.token`: a new row, a failed one, or one
    /// whose claim went stale. The takeover condition reads only the row itself, so that
    /// PostgreSQL, re-checking it on the newest version of a row a concurrent claim just
    /// committed, decides on current data. Any other row means another request holds it (or it is done),
    /// and is returned as [`Claim::Taken`]. A given username is reserved in the same
    /// transaction, refused with [`StoreError::UsernameTaken`] if another user has it.
    pub async fn claim_registration(&self, request: &ClaimRequest<'_>) -> Result<Claim> {
        let mut transaction = self.pool.begin().await?;
        let sql = format!(
            "INSERT INTO registrations (creator, state, claimed_by, claimed_at, min_tip, \
             updated_at) VALUES ($1, 'deploying', $2, $3, $4, $3) \
             ON CONFLICT (creator) DO UPDATE SET state = 'deploying', \
             claimed_by = excluded.claimed_by, claimed_at = excluded.claimed_at, \
             min_tip = excluded.min_tip, last_error = NULL, updated_at = excluded.updated_at \
             WHERE registrations.state = 'failed' \
             OR (registrations.state = 'deploying' AND registrations.claimed_at < $5) \
             RETURNING {REGISTRATION_COLUMNS}"
        );
        let claimed = sqlx::query(&sql)
            .bind(request.creator.to_string())
            .bind(&request.token.0)
            .bind(request.now.0)
            .bind(bigint("minimum tip", request.min_tip.0)?)
            .bind(request.stale_before.0)
            .fetch_optional(&mut *transaction)
            .await?;
        let Some(row) = claimed else {
            transaction.rollback().await?;
            let taken = self.registration(request.creator).await?;
            return taken
                .map(Claim::Taken)
                .ok_or(StoreError::UnknownUser { wallet: *request.creator });
        };
        if let Some(username) = request.username {
            set_username(&mut transaction, request.creator, username).await?;
        }
        transaction.commit().await?;
        Ok(Claim::Claimed(registration_from_row(&row)?))
    }

    /// The creator's registration row, if they ever tried to register.
    pub async fn registration(&self, creator: &Address) -> Result<Option<Registration>> {
        let sql = format!("SELECT {REGISTRATION_COLUMNS} FROM registrations WHERE creator = $1");
        let row = sqlx::query(&sql).bind(creator.to_string()).fetch_optional(&self.pool).await?;
        row.as_ref().map(registration_from_row).transpose()
    }

    /// Records the create transaction about to be sent, and forgets any earlier one. False if
    /// `token` no longer holds the claim.
    pub async fn record_create(
        &self,
        creator: &Address,
        token: &ClaimToken,
        create: &SentCreate,
        now: Timestamp,
    ) -> Result<bool> {
        let updated = sqlx::query(
            "UPDATE registrations SET create_txid = $1, last_valid = $2, app_id = NULL, \
             updated_at = $3 WHERE creator = $4 AND claimed_by = $5 AND state = 'deploying'",
        )
        .bind(create.txid.to_string())
        .bind(bigint("round", create.last_valid.0)?)
        .bind(now.0)
        .bind(creator.to_string())
        .bind(&token.0)
        .execute(&self.pool)
        .await?;
        Ok(updated.rows_affected() == 1)
    }

    /// Reopens a deployed registration whose contract `app_id` was retired, forgetting that
    /// contract, so the next claim deploys a new one. The condition only looks at the row
    /// itself: PostgreSQL re-checks it against the newest version of a row a concurrent claim
    /// just changed, which a condition reading other tables would not get.
    pub async fn reopen_registration(
        &self,
        creator: &Address,
        app_id: AppId,
        now: Timestamp,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE registrations SET state = 'failed', create_txid = NULL, last_valid = NULL, \
             app_id = NULL, last_error = 'the contract was retired', updated_at = $1 \
             WHERE creator = $2 AND state = 'deployed' AND app_id = $3",
        )
        .bind(now.0)
        .bind(creator.to_string())
        .bind(bigint("app id", app_id.0)?)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Forgets the recorded create transaction, which the node refused and so can never
    /// confirm.
    pub async fn forget_create(
        &self,
        creator: &Address,
        token: &ClaimToken,
        now: Timestamp,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE registrations SET create_txid = NULL, last_valid = NULL, updated_at = $1 \
             WHERE creator = $2 AND claimed_by = $3 AND state = 'deploying'",
        )
        .bind(now.0)
        .bind(creator.to_string())
        .bind(&token.0)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records the application the create transaction made. False if `token` no longer holds
    /// the claim.
    pub async fn record_app(
        &self,
        creator: &Address,
        token: &ClaimToken,
        app_id: AppId,
        now: Timestamp,
    ) -> Result<bool> {
        let updated = sqlx::query(
            "UPDATE registrations SET app_id = $1, updated_at = $2 \
             WHERE creator = $3 AND claimed_by = $4 AND state = 'deploying'",
        )
        .bind(bigint("app id", app_id.0)?)
        .bind(now.0)
        .bind(creator.to_string())
        .bind(&token.0)
        .execute(&self.pool)
        .await?;
        Ok(updated.rows_affected() == 1)
    }

    /// Marks the claimed registration failed with `reason`, so the next attempt takes it over.
    pub async fn fail_registration(
        &self,
        creator: &Address,
        token: &ClaimToken,
        reason: &str,
        now: Timestamp,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE registrations SET state = 'failed', last_error = $1, updated_at = $2 \
             WHERE creator = $3 AND claimed_by = $4 AND state = 'deploying'",
        )
        .bind(reason)
        .bind(now.0)
        .bind(creator.to_string())
        .bind(&token.0)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Finishes a registration in one transaction: the contract is stored, the user becomes a
    /// creator and the registration is marked deployed. False (and nothing stored) if `token`
    /// no longer holds the claim.
    pub async fn complete_registration(
        &self,
        token: &ClaimToken,
        contract: &Contract,
        now: Timestamp,
    ) -> Result<bool> {
        let mut transaction = self.pool.begin().await?;
        let updated = sqlx::query(
            "UPDATE registrations SET state = 'deployed', app_id = $1, updated_at = $2 \
             WHERE creator = $3 AND claimed_by = $4 AND state = 'deploying'",
        )
        .bind(bigint("app id", contract.app_id.0)?)
        .bind(now.0)
        .bind(contract.creator.to_string())
        .bind(&token.0)
        .execute(&mut *transaction)
        .await?;
        if updated.rows_affected() != 1 {
            transaction.rollback().await?;
            return Ok(false);
        }
        let sql = format!("INSERT INTO contracts ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)");
        sqlx::query(&sql)
            .bind(bigint("app id", contract.app_id.0)?)
            .bind(contract.creator.to_string())
            .bind(contract.app_address.to_string())
            .bind(bigint("contract version", contract.version)?)
            .bind(contract.deployed_at.0)
            .bind(contract.retired_at.map(|at| at.0))
            .execute(&mut *transaction)
            .await
            .map_err(|err| insert_error(err, contract))?;
        sqlx::query("UPDATE users SET role = $1 WHERE wallet = $2")
            .bind(Role::Creator.as_str())
            .bind(contract.creator.to_string())
            .execute(&mut *transaction)
            .await?;
        transaction.commit().await?;
        Ok(true)
    }
}

async fn set_username(
    transaction: &mut Transaction<'static, Any>,
    wallet: &Address,
    username: &Username,
) -> Result<()> {
    sqlx::query("UPDATE users SET username = $1 WHERE wallet = $2")
        .bind(username.as_str())
        .bind(wallet.to_string())
        .execute(&mut **transaction)
        .await
        .map_err(|err| match Violation::of(&err) {
            Some(Violation::Of(Constraint::UsersUsernameKey)) => {
                StoreError::UsernameTaken { username: username.to_string() }
            }
            _ => err.into(),
        })?;
    Ok(())
}

fn registration_from_row(row: &AnyRow) -> Result<Registration> {
    let txid: Option<String> = row.try_get("create_txid")?;
    let create = match (txid, optional_unsigned(row, "last_valid")?) {
        (Some(txid), Some(last_valid)) => Some(SentCreate {
            txid: txid.parse().map_err(|err: tipforge_algo::CodecError| StoreError::Corrupt {
                column: "create_txid",
                reason: err.to_string(),
            })?,
            last_valid: Round(last_valid),
        }),
        _ => None,
    };
    let state: RegistrationState = parsed(row, "state")?;
    Ok(Registration {
        creator: address(row, "creator")?,
        state,
        claimed_by: ClaimToken(row.try_get("claimed_by")?),
        claimed_at: timestamp(row, "claimed_at")?,
        min_tip: MicroAlgos(unsigned(row, "min_tip")?),
        create,
        app_id: optional_unsigned(row, "app_id")?.map(AppId),
        last_error: row.try_get("last_error")?,
    })
}

fn insert_error(err: sqlx::Error, contract: &Contract) -> StoreError {
    let Some(violation) = Violation::of(&err) else { return err.into() };
    match violation {
        Violation::Of(Constraint::ContractsOneActivePerCreator) => {
            StoreError::ActiveContractExists { creator: contract.creator }
        }
        Violation::Of(Constraint::ContractsPkey | Constraint::ContractsAppAddressKey) => {
            StoreError::AppAlreadyRegistered { app_id: contract.app_id }
        }
        violation if violation.is_foreign_key(Constraint::ContractsCreatorFkey) => {
            StoreError::UnknownUser { wallet: contract.creator }
        }
        _ => err.into(),
    }
}

fn contract_from_row(row: &AnyRow) -> Result<Contract> {
    Ok(Contract {
        app_id: AppId(unsigned(row, "app_id")?),
        creator: address(row, "creator")?,
        app_address: address(row, "app_address")?,
        version: unsigned(row, "version")?,
        deployed_at: timestamp(row, "deployed_at")?,
        retired_at: optional_timestamp(row, "retired_at")?,
    })
}
