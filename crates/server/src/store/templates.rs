//! Reward templates.

use sqlx::Row;
use sqlx::any::AnyRow;
use tipforge_algo::{Address, MicroAlgos};

use super::constraint::{Constraint, Violation};
use super::row::{address, optional_bigint, optional_unsigned, parsed, timestamp};
use super::{Result, Store, StoreError};
use crate::domain::{RuleParameters, Supply, Template, TemplateId};

const COLUMNS: &str = "id, creator, kind, name, supply, edition_size, image_cid, image_mime, \
    metadata_cid, metadata_url, metadata_hash, threshold_micro, every_nth_tip, price_micro, \
    validity_days, golden_odds_bps, created_at";

impl Store {
    /// Stores a new template.
    pub async fn insert_template(&self, template: &Template) -> Result<()> {
        let sql = format!(
            "INSERT INTO templates ({COLUMNS}) VALUES \
             ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)"
        );
        let (supply, edition_size) = match template.supply {
            Supply::Unique => ("unique", None),
            Supply::Edition { size } => ("edition", Some(size)),
        };
        let rules = &template.rules;
        sqlx::query(&sql)
            .bind(template.id.to_string())
            .bind(template.creator.to_string())
            .bind(template.kind.as_str())
            .bind(&template.name)
            .bind(supply)
            .bind(optional_bigint("edition size", edition_size)?)
            .bind(&template.image_cid)
            .bind(&template.image_mime)
            .bind(&template.metadata_cid)
            .bind(&template.metadata_url)
            .bind(&template.metadata_hash)
            .bind(optional_bigint("threshold", rules.threshold.map(u64::from))?)
            .bind(optional_bigint("tip interval", rules.every_nth_tip)?)
            .bind(optional_bigint("price", rules.price.map(u64::from))?)
            .bind(optional_bigint("validity days", rules.validity_days)?)
            .bind(rules.golden_odds_bps.map(i64::from))
            .bind(template.created_at.0)
            .execute(&self.pool)
            .await
            .map_err(|err| insert_error(err, template))?;
        Ok(())
    }

    /// The template with this id.
    pub async fn template(&self, id: TemplateId) -> Result<Option<Template>> {
        let sql = format!("SELECT {COLUMNS} FROM templates WHERE id = $1");
        let row = sqlx::query(&sql).bind(id.to_string()).fetch_optional(&self.pool).await?;
        row.as_ref().map(template_from_row).transpose()
    }

    /// The creator's templates, oldest first.
    pub async fn templates_of(&self, creator: &Address) -> Result<Vec<Template>> {
        let sql = format!("SELECT {COLUMNS} FROM templates WHERE creator = $1 ORDER BY id");
        let rows = sqlx::query(&sql).bind(creator.to_string()).fetch_all(&self.pool).await?;
        rows.iter().map(template_from_row).collect()
    }

    /// The creator's template called `name`, if any.
    pub async fn template_named(&self, creator: &Address, name: &str) -> Result<Option<Template>> {
        let sql = format!("SELECT {COLUMNS} FROM templates WHERE creator = $1 AND name = $2");
        let query = sqlx::query(&sql).bind(creator.to_string()).bind(name);
        let row = query.fetch_optional(&self.pool).await?;
        row.as_ref().map(template_from_row).transpose()
    }

    /// Whether any template's image or metadata is the content `cid` names.
    pub async fn template_content_referenced(&self, cid: &str) -> Result<bool> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS uses FROM templates WHERE image_cid = $1 OR metadata_cid = $1",
        )
        .bind(cid)
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get::<i64, _>("uses")? > 0)
    }

    /// Replaces a template's rule parameters.
    pub async fn update_template_rules(
        &self,
        id: TemplateId,
        creator: &Address,
        rules: &RuleParameters,
    ) -> Result<()> {
        let updated = sqlx::query(
            "UPDATE templates SET threshold_micro = $1, every_nth_tip = $2, price_micro = $3, \
             validity_days = $4, golden_odds_bps = $5 WHERE id = $6 AND creator = $7",
        )
        .bind(optional_bigint("threshold", rules.threshold.map(u64::from))?)
        .bind(optional_bigint("tip interval", rules.every_nth_tip)?)
        .bind(optional_bigint("price", rules.price.map(u64::from))?)
        .bind(optional_bigint("validity days", rules.validity_days)?)
        .bind(rules.golden_odds_bps.map(i64::from))
        .bind(id.to_string())
        .bind(creator.to_string())
        .execute(&self.pool)
        .await?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::TemplateNotFound { id });
        }
        Ok(())
    }

    /// Deletes the creator's template, refused with [`StoreError::TemplateInUse`] once rewards
    /// were minted or queued from it (the foreign keys of `nfts` and `reward_jobs` say so).
    pub async fn delete_template(&self, id: TemplateId, creator: &Address) -> Result<()> {
        let deleted = sqlx::query("DELETE FROM templates WHERE id = $1 AND creator = $2")
            .bind(id.to_string())
            .bind(creator.to_string())
            .execute(&self.pool)
            .await
            .map_err(|err| delete_error(err, id))?;
        if deleted.rows_affected() == 0 {
            return Err(StoreError::TemplateNotFound { id });
        }
        Ok(())
    }
}

fn insert_error(err: sqlx::Error, template: &Template) -> StoreError {
    match Violation::of(&err) {
        Some(Violation::Of(Constraint::TemplatesCreatorNameKey)) => {
            StoreError::TemplateNameTaken { name: template.name.clone() }
        }
        Some(violation) if violation.is_foreign_key(Constraint::TemplatesCreatorFkey) => {
            StoreError::UnknownUser { wallet: template.creator }
        }
        _ => err.into(),
    }
}

fn delete_error(err: sqlx::Error, id: TemplateId) -> StoreError {
    match Violation::of(&err) {
        Some(violation)
            if violation.is_foreign_key(Constraint::NftsTemplateFkey)
                || violation.is_foreign_key(Constraint::RewardJobsTemplateFkey) =>
        {
            StoreError::TemplateInUse { id }
        }
        _ => err.into(),
    }
}

fn template_from_row(row: &AnyRow) -> Result<Template> {
    let supply = match optional_unsigned(row, "edition_size")? {
        Some(size) => Supply::Edition { size },
        None => Supply::Unique,
    };
    let golden_odds_bps =
        optional_unsigned(row, "golden_odds_bps")?.map(u16::try_from).transpose().map_err(
            |err| StoreError::Corrupt { column: "golden_odds_bps", reason: err.to_string() },
        )?;
    Ok(Template {
        id: parsed(row, "id")?,
        creator: address(row, "creator")?,
        kind: parsed(row, "kind")?,
        name: row.try_get("name")?,
        supply,
        image_cid: row.try_get("image_cid")?,
        image_mime: row.try_get("image_mime")?,
        metadata_cid: row.try_get("metadata_cid")?,
        metadata_url: row.try_get("metadata_url")?,
        metadata_hash: row.try_get("metadata_hash")?,
        rules: RuleParameters {
            threshold: optional_unsigned(row, "threshold_micro")?.map(MicroAlgos),
            every_nth_tip: optional_unsigned(row, "every_nth_tip")?,
            price: optional_unsigned(row, "price_micro")?.map(MicroAlgos),
            validity_days: optional_unsigned(row, "validity_days")?,
            golden_odds_bps,
        },
        created_at: timestamp(row, "created_at")?,
    })
}
