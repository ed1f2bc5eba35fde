//! Creators' TipProxy contracts.

use sqlx::any::AnyRow;
use tipforge_algo::{Address, AppId};

use super::constraint::{Constraint, Violation};
use super::row::{address, bigint, optional_timestamp, timestamp, unsigned};
use super::{Result, Store, StoreError};
use crate::domain::{Contract, Timestamp};

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
