//! Fans' NFTs and statistics: read-only queries over `nfts`, `templates` and `tips`.

use sqlx::Row;
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;
use sqlx::{Any, AnyPool};
use tipforge_algo::{Address, AssetId, MicroAlgos};

use super::row::{address, bigint, optional_timestamp, parsed, timestamp, unsigned};
use super::{Result, Store};
use crate::domain::{
    Delivery, FanStats, Nft, NftCursor, NftPage, NftQuery, NftTemplate, NftTotals, TemplateKind,
    TipQuery, Variant, Volume,
};

/// The NFT columns with their template's, joined so a page is one query.
const NFT_SELECT: &str = "SELECT n.asset_id, n.tip_txid, n.kind, n.variant, n.delivery, \
    n.delivery_txid, n.owner, n.creator, n.minted_at, n.expires_at, n.template_id, \
    t.name AS template_name, t.image_cid, t.metadata_url \
    FROM nfts n JOIN templates t ON t.id = n.template_id";

/// How many creators and recent tips a fan's statistics show.
const STATS_TOP: i64 = 10;

/// A value bound to a numbered parameter.
pub(super) enum Bind {
    Text(String),
    Int(i64),
}

/// A WHERE clause assembled from optional conditions, numbering parameters as it goes.
#[derive(Default)]
pub(super) struct Filter {
    conditions: Vec<String>,
    pub(super) binds: Vec<Bind>,
}

impl Filter {
    /// The next parameter's placeholder once `bind` is added.
    pub(super) fn param(&mut self, bind: Bind) -> String {
        self.binds.push(bind);
        format!("${}", self.binds.len())
    }

    /// Adds `condition`, which refers to parameters made by [`Filter::param`].
    pub(super) fn and(&mut self, condition: String) {
        self.conditions.push(condition);
    }

    pub(super) fn clause(&self) -> String {
        match self.conditions.is_empty() {
            true => String::new(),
            false => format!("WHERE {}", self.conditions.join(" AND ")),
        }
    }

    pub(super) fn bind_all<'q>(
        &self,
        mut query: Query<'q, Any, AnyArguments<'q>>,
    ) -> Query<'q, Any, AnyArguments<'q>> {
        for bind in &self.binds {
            query = match bind {
                Bind::Text(text) => query.bind(text.clone()),
                Bind::Int(int) => query.bind(*int),
            };
        }
        query
    }
}

impl Store {
    /// One page of a fan's NFTs, newest first, with their templates, and the counts of every
    /// NFT the query matches (ignoring the cursor).
    pub async fn fan_nfts(&self, query: &NftQuery) -> Result<NftPage> {
        let mut filter = nft_filter(query);
        if let Some(NftCursor { minted_at, asset_id }) = query.before {
            let at = filter.param(Bind::Int(minted_at.0));
            let asset = filter.param(Bind::Int(bigint("asset id", asset_id.0)?));
            filter.and(format!(
                "(n.minted_at < {at} OR (n.minted_at = {at} AND n.asset_id < {asset}))"
            ));
        }
        let limit = filter.param(Bind::Int(i64::from(query.limit) + 1));
        let sql = format!(
            "{NFT_SELECT} {} ORDER BY n.minted_at DESC, n.asset_id DESC LIMIT {limit}",
            filter.clause()
        );
        let rows = filter.bind_all(sqlx::query(&sql)).fetch_all(&self.pool).await?;
        let mut nfts = rows.iter().map(nft_from_row).collect::<Result<Vec<_>>>()?;
        let limit = usize::try_from(query.limit).unwrap_or(usize::MAX);
        let next = if nfts.len() > limit {
            nfts.truncate(limit);
            nfts.last().map(Nft::position)
        } else {
            None
        };
        let totals = nft_totals(&self.pool, &nft_filter(query)).await?;
        Ok(NftPage { nfts, next, totals })
    }

    /// The NFT minted as `asset_id`, with its template.
    pub async fn nft(&self, asset_id: AssetId) -> Result<Option<Nft>> {
        let sql = format!("{NFT_SELECT} WHERE n.asset_id = $1");
        let row = sqlx::query(&sql)
            .bind(bigint("asset id", asset_id.0)?)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(nft_from_row).transpose()
    }

    /// A fan's tips and NFTs in aggregate: a handful of SQL aggregates, whatever their number.
    /// Tips are read from their (fan, creator) totals, one row per creator the fan tipped.
    pub async fn fan_stats(&self, fan: &Address) -> Result<FanStats> {
        let wallet = fan.to_string();
        let (volume, unique_creators, top_creators) = self.creators_of(&wallet).await?;
        let mut owned = Filter::default();
        let owner = owned.param(Bind::Text(wallet.clone()));
        owned.and(format!("n.owner = {owner}"));
        let totals = nft_totals(&self.pool, &owned).await?;
        let recent = TipQuery {
            creator: None,
            fan: Some(*fan),
            before: None,
            limit: u32::try_from(STATS_TOP).unwrap_or(u32::MAX),
        };
        let recent_tips = self.list_tips(&recent).await?.tips;
        Ok(FanStats {
            volume,
            unique_creators,
            nfts_by_variant: totals.by_variant,
            nfts_by_kind: totals.by_kind,
            top_creators,
            recent_tips,
        })
    }

    /// The fan's whole volume, how many creators they tipped, and the top creators by µAlgo,
    /// in one query: the window sums cover every creator, not only the ones listed.
    async fn creators_of(&self, fan: &str) -> Result<(Volume, u64, Vec<(Address, Volume)>)> {
        let rows = sqlx::query(
            "SELECT creator, tips, total_micro AS total, \
             CAST(COUNT(*) OVER () AS BIGINT) AS creators, \
             CAST(SUM(tips) OVER () AS BIGINT) AS all_tips, \
             CAST(SUM(total_micro) OVER () AS BIGINT) AS all_total \
             FROM fan_creator_totals WHERE fan = $1 \
             ORDER BY total_micro DESC, creator LIMIT $2",
        )
        .bind(fan)
        .bind(STATS_TOP)
        .fetch_all(&self.pool)
        .await?;
        let Some(first) = rows.first() else {
            return Ok((Volume { tips: 0, total: MicroAlgos(0) }, 0, Vec::new()));
        };
        let volume = Volume {
            tips: unsigned(first, "all_tips")?,
            total: MicroAlgos(unsigned(first, "all_total")?),
        };
        let top = rows
            .iter()
            .map(|row| Ok((address(row, "creator")?, volume_from_row(row)?)))
            .collect::<Result<_>>()?;
        Ok((volume, unsigned(first, "creators")?, top))
    }
}

/// The conditions of `query` other than its cursor.
fn nft_filter(query: &NftQuery) -> Filter {
    let mut filter = Filter::default();
    let owner = filter.param(Bind::Text(query.owner.to_string()));
    filter.and(format!("n.owner = {owner}"));
    if let Some(kind) = query.kind {
        let kind = filter.param(Bind::Text(kind.as_str().to_owned()));
        filter.and(format!("n.kind = {kind}"));
    }
    if let Some(creator) = query.creator {
        let creator = filter.param(Bind::Text(creator.to_string()));
        filter.and(format!("n.creator = {creator}"));
    }
    if let Some(variant) = query.variant {
        let variant = filter.param(Bind::Text(variant.as_str().to_owned()));
        filter.and(format!("n.variant = {variant}"));
    }
    if let Some(delivery) = query.delivery {
        let delivery = filter.param(Bind::Text(delivery.as_str().to_owned()));
        filter.and(format!("n.delivery = {delivery}"));
    }
    filter
}

/// Counts by variant, kind and delivery of every NFT `filter` matches, in one grouped query.
async fn nft_totals(pool: &AnyPool, filter: &Filter) -> Result<NftTotals> {
    let sql = format!(
        "SELECT n.variant, n.kind, n.delivery, CAST(COUNT(*) AS BIGINT) AS nfts FROM nfts n {} \
         GROUP BY n.variant, n.kind, n.delivery",
        filter.clause()
    );
    let rows = filter.bind_all(sqlx::query(&sql)).fetch_all(pool).await?;
    let mut totals = NftTotals::default();
    for row in &rows {
        let count = unsigned(row, "nfts")?;
        let variant: Variant = parsed(row, "variant")?;
        let kind: TemplateKind = parsed(row, "kind")?;
        totals.total += count;
        add(&mut totals.by_variant, variant, count);
        add(&mut totals.by_kind, kind, count);
        if parsed::<Delivery>(row, "delivery")? == Delivery::AwaitingOptin {
            totals.awaiting_optin += count;
        }
    }
    Ok(totals)
}

fn add<K: PartialEq>(counts: &mut Vec<(K, u64)>, key: K, count: u64) {
    match counts.iter_mut().find(|(existing, _)| *existing == key) {
        Some((_, total)) => *total += count,
        None => counts.push((key, count)),
    }
}

/// The `tips` and `total` columns of an aggregate row.
pub(super) fn volume_from_row(row: &AnyRow) -> Result<Volume> {
    Ok(Volume { tips: unsigned(row, "tips")?, total: MicroAlgos(unsigned(row, "total")?) })
}

fn nft_from_row(row: &AnyRow) -> Result<Nft> {
    Ok(Nft {
        asset_id: AssetId(unsigned(row, "asset_id")?),
        tip_txid: row.try_get("tip_txid")?,
        kind: parsed(row, "kind")?,
        variant: parsed(row, "variant")?,
        delivery: parsed(row, "delivery")?,
        delivery_txid: row.try_get("delivery_txid")?,
        owner: address(row, "owner")?,
        creator: address(row, "creator")?,
        template: NftTemplate {
            id: parsed(row, "template_id")?,
            name: row.try_get("template_name")?,
            image_cid: row.try_get("image_cid")?,
            metadata_url: row.try_get("metadata_url")?,
        },
        minted_at: timestamp(row, "minted_at")?,
        expires_at: optional_timestamp(row, "expires_at")?,
    })
}
