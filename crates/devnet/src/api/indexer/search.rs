//! Transaction search with indexer's filters and `next` paging. Inner transactions are matched
//! but the top-level transaction is returned, as indexer does; results run oldest first, or
//! newest first when filtered by address.

use axum::Json;
use axum::extract::{Path, Query, State};
use data_encoding::{BASE64, BASE64URL};
use serde::Deserialize;
use serde_json::{Value as Json_, json};
use tipforge_algo::{Address, AppId, AssetId, Transaction, TxId, TxnBody};

use super::super::AppState;
use super::super::encode::b64;
use super::super::error::{ApiError, ApiResult};
use super::super::txn_json::{self, Confirmed};
use crate::ledger::{ApplyData, InnerTxn};
use crate::node::{Block, Chain, Found};

const DEFAULT_LIMIT: usize = 1_000;
const MAX_LIMIT: usize = 10_000;

/// The search parameters of `/v2/transactions`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(super) struct Search {
    limit: Option<usize>,
    next: Option<String>,
    note_prefix: Option<String>,
    tx_type: Option<String>,
    sig_type: Option<String>,
    group_id: Option<String>,
    txid: Option<String>,
    round: Option<u64>,
    min_round: Option<u64>,
    max_round: Option<u64>,
    asset_id: Option<u64>,
    application_id: Option<u64>,
    address: Option<String>,
    address_role: Option<String>,
    exclude_close_to: Option<String>,
    currency_greater_than: Option<u64>,
    currency_less_than: Option<u64>,
    rekey_to: Option<String>,
    before_time: Option<String>,
    after_time: Option<String>,
}

/// The parsed filter.
struct Filter {
    note_prefix: Vec<u8>,
    tx_type: Option<String>,
    sig_type: Option<String>,
    group: Option<[u8; 32]>,
    txid: Option<TxId>,
    min_round: u64,
    max_round: u64,
    asset: Option<AssetId>,
    app: Option<AppId>,
    address: Option<Address>,
    role: Option<String>,
    exclude_close_to: bool,
    greater: Option<u64>,
    less: Option<u64>,
    rekey_to: bool,
    /// Block timestamps strictly between these (unix seconds), as indexer compares them.
    after_time: Option<i64>,
    before_time: Option<i64>,
}

fn bad(what: &str) -> ApiError {
    ApiError::bad_request(format!("invalid input: {what}"))
}

impl Filter {
    fn parse(search: &Search) -> ApiResult<Self> {
        let decode = |text: &Option<String>, what: &str| -> ApiResult<Option<Vec<u8>>> {
            text.as_ref().map(|t| BASE64.decode(t.as_bytes()).map_err(|_| bad(what))).transpose()
        };
        let group = decode(&search.group_id, "group-id")?
            .map(|g| <[u8; 32]>::try_from(g.as_slice()).map_err(|_| bad("group-id")))
            .transpose()?;
        Ok(Self {
            note_prefix: decode(&search.note_prefix, "note-prefix")?.unwrap_or_default(),
            tx_type: search.tx_type.clone(),
            sig_type: search.sig_type.clone(),
            group,
            txid: search.txid.as_ref().map(|t| t.parse().map_err(|_| bad("txid"))).transpose()?,
            min_round: search.round.or(search.min_round).unwrap_or(0),
            max_round: search.round.or(search.max_round).unwrap_or(u64::MAX),
            asset: search.asset_id.map(AssetId),
            app: search.application_id.map(AppId),
            address: search
                .address
                .as_ref()
                .map(|a| a.parse().map_err(|_| bad("address")))
                .transpose()?,
            role: search.address_role.clone(),
            exclude_close_to: super::super::encode::is_true(search.exclude_close_to.as_deref()),
            greater: search.currency_greater_than,
            less: search.currency_less_than,
            rekey_to: super::super::encode::is_true(search.rekey_to.as_deref()),
            after_time: search
                .after_time
                .as_deref()
                .map(|t| rfc3339(t, "after-time"))
                .transpose()?,
            before_time: search
                .before_time
                .as_deref()
                .map(|t| rfc3339(t, "before-time"))
                .transpose()?,
        })
    }

    /// Whether a block's timestamp is inside the time window.
    fn in_time(&self, timestamp: u64) -> bool {
        let timestamp = i64::try_from(timestamp).unwrap_or(i64::MAX);
        self.after_time.is_none_or(|after| timestamp > after)
            && self.before_time.is_none_or(|before| timestamp < before)
    }

    /// Filters that look at the top-level transaction only.
    fn root_matches(
        &self,
        txid: TxId,
        txn: &Transaction,
        signed: &tipforge_algo::SignedTransaction,
    ) -> bool {
        let sig_ok = match self.sig_type.as_deref() {
            None => true,
            Some(kind) => matches!(
                (kind, signed.authorization()),
                ("sig", tipforge_algo::Authorization::Single(_))
                    | ("msig", tipforge_algo::Authorization::Multisig(_))
                    | ("lsig", tipforge_algo::Authorization::LogicSig(_))
            ),
        };
        sig_ok
            && self.txid.is_none_or(|id| id == txid)
            && self.group.is_none_or(|g| txn.header.group.map(|x| x.0) == Some(g))
            && (!self.rekey_to || txn.header.rekey_to.is_some())
    }

    /// Filters that match a transaction or any of its inner transactions.
    fn matches(&self, txn: &Transaction, apply: &ApplyData) -> bool {
        self.matches_one(txn, apply)
            || apply.eval.inner.iter().any(|InnerTxn { txn, apply }| self.matches(txn, apply))
    }

    fn matches_one(&self, txn: &Transaction, apply: &ApplyData) -> bool {
        txn.header.note.starts_with(&self.note_prefix)
            && self.tx_type.as_deref().is_none_or(|t| t == txn.body.type_name())
            && self.asset.is_none_or(|a| asset_of(txn, apply) == Some(a))
            && self.app.is_none_or(|a| app_of(txn, apply) == Some(a))
            && self.address.is_none_or(|a| self.involves(txn, &a))
            && self.greater.is_none_or(|g| amount_of(txn) > g)
            && self.less.is_none_or(|l| amount_of(txn) < l)
    }

    fn involves(&self, txn: &Transaction, address: &Address) -> bool {
        let sender = txn.header.sender == *address;
        let (receivers, close, freeze): (Vec<Address>, Option<Address>, Option<Address>) =
            match &txn.body {
                TxnBody::Payment(p) => (vec![p.receiver], p.close_remainder_to, None),
                TxnBody::AssetTransfer(x) => (vec![x.receiver], x.close_to, None),
                TxnBody::AssetFreeze(f) => (vec![], None, Some(f.account)),
                TxnBody::AppCall(c) => (c.accounts.clone(), None, None),
                TxnBody::AssetConfig(_) => (vec![], None, None),
            };
        let received =
            receivers.contains(address) || (!self.exclude_close_to && close == Some(*address));
        let clawed =
            matches!(&txn.body, TxnBody::AssetTransfer(x) if x.revoke_from == Some(*address));
        match self.role.as_deref() {
            Some("sender") => sender || clawed,
            Some("receiver") => received,
            Some("freeze-target") => freeze == Some(*address),
            _ => sender || received || clawed || freeze == Some(*address),
        }
    }
}

fn asset_of(txn: &Transaction, apply: &ApplyData) -> Option<AssetId> {
    match &txn.body {
        TxnBody::AssetTransfer(x) => Some(x.asset),
        TxnBody::AssetFreeze(f) => Some(f.asset),
        TxnBody::AssetConfig(c) => Some(apply.created_asset.unwrap_or(c.asset)),
        _ => None,
    }
}

fn app_of(txn: &Transaction, apply: &ApplyData) -> Option<AppId> {
    match &txn.body {
        TxnBody::AppCall(c) => Some(apply.created_app.unwrap_or(c.app)),
        _ => None,
    }
}

fn amount_of(txn: &Transaction) -> u64 {
    match &txn.body {
        TxnBody::Payment(p) => p.amount.0,
        TxnBody::AssetTransfer(x) => x.amount,
        _ => 0,
    }
}

/// Unix seconds of an RFC 3339 date-time such as `2026-12-03T16:00:00Z`.
fn rfc3339(text: &str, what: &str) -> ApiResult<i64> {
    let parsed = time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339);
    parsed.map(time::OffsetDateTime::unix_timestamp).map_err(|_| bad(what))
}

/// indexer's opaque `next` token: base64url(round u64 LE ‖ intra-round offset u32 LE).
fn encode_next(round: u64, intra: usize) -> String {
    let mut bytes = round.to_le_bytes().to_vec();
    bytes.extend_from_slice(&(intra as u32).to_le_bytes());
    BASE64URL.encode(&bytes)
}

fn decode_next(text: &str) -> ApiResult<(u64, usize)> {
    let bytes = BASE64URL.decode(text.as_bytes()).map_err(|_| bad("next"))?;
    if bytes.len() != 12 {
        return Err(bad("next"));
    }
    let round = u64::from_le_bytes(bytes[..8].try_into().expect("8 bytes"));
    let intra = u32::from_le_bytes(bytes[8..].try_into().expect("4 bytes"));
    Ok((round, intra as usize))
}

/// Runs a search; newest first when an address is given.
fn run(chain: &Chain, search: &Search) -> ApiResult<Json_> {
    let filter = Filter::parse(search)?;
    let limit = search.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
    let after = search.next.as_deref().map(decode_next).transpose()?;
    let newest_first = filter.address.is_some();
    let positions = positions(chain, &filter, newest_first);
    let mut found = Vec::new();
    let mut last = None;
    for (block, intra) in positions {
        let position = (block.header.round.0, intra);
        let past = after.is_none_or(|a| if newest_first { position < a } else { position > a });
        if !past || !filter.in_time(block.header.timestamp) {
            continue;
        }
        let txn = &block.txns[intra];
        let applied = &txn.applied;
        if !filter.root_matches(txn.id(), &applied.txn, &applied.signed)
            || !filter.matches(&applied.txn, &applied.apply)
        {
            continue;
        }
        found.push(indexer_json(block, intra));
        last = Some(position);
        if found.len() == limit {
            break;
        }
    }
    let mut json = json!({ "current-round": chain.last_round().0, "transactions": found });
    if let Some((round, intra)) = last {
        json["next-token"] = json!(encode_next(round, intra));
    }
    Ok(json)
}

fn positions<'a>(
    chain: &'a Chain,
    filter: &Filter,
    newest_first: bool,
) -> Box<dyn Iterator<Item = (&'a Block, usize)> + 'a> {
    let (min, max) = (filter.min_round, filter.max_round);
    let blocks = chain.blocks().iter().filter(move |b| (min..=max).contains(&b.header.round.0));
    let each = |b: &'a std::sync::Arc<Block>| (0..b.txns.len()).map(move |i| (&**b, i));
    if newest_first {
        Box::new(blocks.rev().flat_map(move |b| each(b).rev()))
    } else {
        Box::new(blocks.flat_map(each))
    }
}

fn indexer_json(block: &Block, intra: usize) -> Json_ {
    let txn = &block.txns[intra];
    let at = Confirmed { round: block.header.round.0, timestamp: block.header.timestamp, intra };
    let applied = &txn.applied;
    txn_json::indexer(&applied.txn, Some(&applied.signed), Some(txn.id()), &applied.apply, at)
}

pub(super) async fn transactions(
    State(state): State<AppState>,
    Query(search): Query<Search>,
) -> ApiResult<Json<Json_>> {
    let chain = state.node.chain();
    run(&chain, &search).map(Json)
}

pub(super) async fn account_transactions(
    State(state): State<AppState>,
    Path(address): Path<String>,
    Query(mut search): Query<Search>,
) -> ApiResult<Json<Json_>> {
    search.address = Some(address);
    let chain = state.node.chain();
    run(&chain, &search).map(Json)
}

pub(super) async fn asset_transactions(
    State(state): State<AppState>,
    Path(asset): Path<u64>,
    Query(mut search): Query<Search>,
) -> ApiResult<Json<Json_>> {
    search.asset_id = Some(asset);
    let chain = state.node.chain();
    run(&chain, &search).map(Json)
}

pub(super) async fn transaction(
    State(state): State<AppState>,
    Path(txid): Path<String>,
) -> ApiResult<Json<Json_>> {
    let id: TxId = txid.parse().map_err(|_| bad("txid"))?;
    let chain = state.node.chain();
    match chain.find(&id) {
        Some(Found::Confirmed(block, txn)) => {
            let intra = block.txns.iter().position(|t| t.id() == txn.id()).unwrap_or(0);
            Ok(Json(
                json!({ "transaction": indexer_json(block, intra), "current-round": chain.last_round().0 }),
            ))
        }
        _ => Err(ApiError::not_found(format!("no transaction found for transaction id: {txid}"))),
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(super) struct LogSearch {
    txid: Option<String>,
    min_round: Option<u64>,
    max_round: Option<u64>,
    sender_address: Option<String>,
    limit: Option<usize>,
    next: Option<String>,
}

/// `/v2/applications/{id}/logs`: each call of the app (inner calls included) that logged.
pub(super) async fn app_logs(
    State(state): State<AppState>,
    Path(app): Path<u64>,
    Query(search): Query<LogSearch>,
) -> ApiResult<Json<Json_>> {
    let app = AppId(app);
    let chain = state.node.chain();
    let after = search.next.as_deref().map(decode_next).transpose()?;
    let limit = search.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
    let (min, max) = (search.min_round.unwrap_or(0), search.max_round.unwrap_or(u64::MAX));
    let mut entries = Vec::new();
    let mut last = None;
    'blocks: for block in chain.blocks().iter().filter(|b| (min..=max).contains(&b.header.round.0))
    {
        for (intra, txn) in block.txns.iter().enumerate() {
            let position = (block.header.round.0, intra);
            let id = txn.id().to_string();
            let wanted = after.is_none_or(|a| position > a)
                && search.txid.as_ref().is_none_or(|t| *t == id)
                && search
                    .sender_address
                    .as_ref()
                    .is_none_or(|s| *s == txn.applied.txn.header.sender.to_string());
            if !wanted {
                continue;
            }
            let mut logs = Vec::new();
            collect_logs(app, &txn.applied.txn, &txn.applied.apply, &mut logs);
            if logs.is_empty() {
                continue;
            }
            entries.push(json!({ "txid": id, "logs": logs }));
            last = Some(position);
            if entries.len() == limit {
                break 'blocks;
            }
        }
    }
    let mut json = json!({ "application-id": app.0, "current-round": chain.last_round().0, "log-data": entries });
    if let Some((round, intra)) = last {
        json["next-token"] = json!(encode_next(round, intra));
    }
    Ok(Json(json))
}

fn collect_logs(app: AppId, txn: &Transaction, apply: &ApplyData, out: &mut Vec<Json_>) {
    if app_of(txn, apply) == Some(app) {
        out.extend(apply.eval.logs.iter().map(|l| b64(l)));
    }
    for InnerTxn { txn, apply } in &apply.eval.inner {
        collect_logs(app, txn, apply, out);
    }
}
