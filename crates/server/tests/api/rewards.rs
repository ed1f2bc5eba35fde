//! Rewards as the minter and the rule engine leave them, written directly in SQL: templates,
//! tips, reward jobs, NFTs and loyalty rows for the read-only fan and leaderboard routes.

use sqlx::{AnyConnection, Connection};
use tipforge_algo::{Address, MicroAlgos, Round};
use tipforge_server::domain::{
    RuleParameters, Supply, Template, TemplateId, TemplateKind, Timestamp, Tip,
};
use tipforge_server::store::Store;

use crate::helpers::TestApp;

const GENESIS: &str = "test-genesis-hash";

pub(crate) async fn sql(app: &TestApp) -> AnyConnection {
    AnyConnection::connect(app.database_url()).await.unwrap()
}

/// A template of `kind` owned by `creator`, with image CID `bafy-<name>`.
pub(crate) async fn template(
    store: &Store,
    creator: Address,
    kind: TemplateKind,
    name: &str,
    rules: RuleParameters,
) -> TemplateId {
    let id = TemplateId::generate();
    let template = Template {
        id,
        creator,
        kind,
        name: name.to_owned(),
        supply: Supply::Unique,
        image_cid: format!("bafy-{name}"),
        image_mime: "image/png".to_owned(),
        metadata_cid: format!("bafy-meta-{name}"),
        metadata_url: format!("ipfs://bafy-meta-{name}#arc3"),
        metadata_hash: "AAAA".to_owned(),
        rules,
        created_at: Timestamp(0),
    };
    store.insert_template(&template).await.unwrap();
    id
}

/// Stores tips (and advances the watermark past them).
pub(crate) async fn tips(store: &Store, tips: &[Tip]) {
    let last = tips.iter().map(|tip| tip.round).max().unwrap_or(Round(0));
    store.ingest_tips(GENESIS, last, tips, Timestamp(0)).await.unwrap();
}

/// A tip of `amount` µAlgo at `round` from `fan` to the creator of `app_id`.
pub(crate) fn tip_of(round: u64, app_id: u64, creator: Address, fan: Address, amount: u64) -> Tip {
    Tip {
        txid: format!("TX-{round}"),
        round: Round(round),
        intra_round: 0,
        app_id: tipforge_algo::AppId(app_id),
        fan,
        creator,
        amount: MicroAlgos(amount),
        memo: b"gm".to_vec(),
    }
}

/// One minted reward, as the minter records it.
pub(crate) struct Minted<'a> {
    pub(crate) tip: &'a Tip,
    pub(crate) kind: TemplateKind,
    pub(crate) template: TemplateId,
    pub(crate) asset_id: u64,
    pub(crate) golden: bool,
    pub(crate) awaiting_optin: bool,
    pub(crate) minted_at: i64,
}

/// Records the reward job (ingest may already have queued it) and the NFT it produced.
pub(crate) async fn mint(conn: &mut AnyConnection, nft: &Minted<'_>) {
    let variant = if nft.golden { "golden" } else { "soulbound" };
    let (delivery, delivery_txid) = match nft.awaiting_optin {
        true => ("awaiting_optin", None),
        false => ("delivered", Some(format!("DELIVER-{}", nft.asset_id))),
    };
    let state = if nft.awaiting_optin { "awaiting_optin" } else { "done" };
    sqlx::query(
        "INSERT INTO reward_jobs (tip_txid, kind, template_id, variant, state, next_attempt_at, \
         asset_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 0, $6, 0, 0) \
         ON CONFLICT (tip_txid, kind) DO UPDATE SET template_id = excluded.template_id, \
         variant = excluded.variant, state = excluded.state, asset_id = excluded.asset_id",
    )
    .bind(nft.tip.txid.clone())
    .bind(nft.kind.as_str())
    .bind(nft.template.to_string())
    .bind(variant)
    .bind(state)
    .bind(i64::try_from(nft.asset_id).unwrap())
    .execute(&mut *conn)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO nfts (tip_txid, kind, asset_id, template_id, owner, creator, variant, \
         delivery, delivery_txid, minted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(nft.tip.txid.clone())
    .bind(nft.kind.as_str())
    .bind(i64::try_from(nft.asset_id).unwrap())
    .bind(nft.template.to_string())
    .bind(nft.tip.fan.to_string())
    .bind(nft.tip.creator.to_string())
    .bind(variant)
    .bind(delivery)
    .bind(delivery_txid)
    .bind(nft.minted_at)
    .execute(&mut *conn)
    .await
    .unwrap();
}

/// A loyalty row as the rule engine keeps it, replacing what ingest counted.
pub(crate) async fn loyalty(
    conn: &mut AnyConnection,
    fan: Address,
    creator: Address,
    qualifying_tips: i64,
    total_micro: i64,
    badges: i64,
) {
    sqlx::query(
        "INSERT INTO loyalty (fan, creator, qualifying_tips, total_micro, badges, updated_at) \
         VALUES ($1, $2, $3, $4, $5, 0) ON CONFLICT (fan, creator) DO UPDATE SET \
         qualifying_tips = excluded.qualifying_tips, total_micro = excluded.total_micro, \
         badges = excluded.badges",
    )
    .bind(fan.to_string())
    .bind(creator.to_string())
    .bind(qualifying_tips)
    .bind(total_micro)
    .bind(badges)
    .execute(&mut *conn)
    .await
    .unwrap();
}
