//! What the creators routes answer: JSON views of the service's results, camelCase, amounts in
//! µAlgo, instants as RFC 3339 text.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Serialize;
use tipforge_algo::{Address, TxnBody};
use utoipa::ToSchema;

use crate::api::templates::RemainingView;
use crate::creators::{ConfirmedCall, Registered, StatsSnapshot, UnsignedCall};
use crate::domain::{
    Contract, ContractState, CreatorProfile, Dashboard, FanTotal, Supply, TemplateRewards, Tip,
    TipTotals,
};

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct ContractView {
    app_id: u64,
    app_address: String,
    version: u64,
    /// RFC 3339, UTC.
    deployed_at: String,
}

/// `created` is true when this request deployed the contract (201), false when the creator
/// already had one or a concurrent registration deployed it (200).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct RegisteredView {
    creator: String,
    created: bool,
    contract: ContractView,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct TipTotalsView {
    count: u64,
    total_micro_algos: u64,
    unique_fans: u64,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct TemplateCountView {
    kind: &'static str,
    count: u64,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct ProfileView {
    wallet: String,
    username: Option<String>,
    contract: ContractView,
    tips: TipTotalsView,
    templates: Vec<TemplateCountView>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct ContractStateView {
    creator: String,
    platform: String,
    min_tip_micro_algos: u64,
    total_tips: u64,
    total_micro_algos: u64,
    paused: bool,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct ContractDetailView {
    #[serde(flatten)]
    contract: ContractView,
    /// The global state, read from the node for this request.
    state: ContractStateView,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct StatsView {
    app_id: u64,
    #[serde(flatten)]
    state: ContractStateView,
}

/// How fresh cached stats are.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct StatsMeta {
    /// RFC 3339, UTC: when the state was read from the node.
    fetched_at: String,
    /// Milliseconds since then; at most the cache's 60 s lifetime.
    cache_age_ms: u64,
}

impl StatsMeta {
    pub(super) fn new(snapshot: &StatsSnapshot, now_millis: i64) -> Self {
        let age = now_millis.saturating_sub(snapshot.fetched_at.0);
        Self {
            fetched_at: snapshot.fetched_at.to_string(),
            cache_age_ms: u64::try_from(age).unwrap_or(0),
        }
    }
}

/// The fields of an unsigned app call, for a wallet to show before signing.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct TxnSummaryView {
    #[serde(rename = "type")]
    kind: &'static str,
    sender: String,
    app_id: u64,
    method: String,
    /// Standard base64 of each app argument, the selector first.
    args: Vec<String>,
    fee_micro_algos: u64,
    first_valid: u64,
    last_valid: u64,
    genesis_id: String,
    /// Standard base64.
    genesis_hash: String,
}

/// Sign `txn` (the canonical msgpack of the transaction, standard base64) in the creator's
/// wallet and send it to the network.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct UnsignedCallView {
    txn: String,
    txid: String,
    summary: TxnSummaryView,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct ConfirmedCallView {
    method: String,
    app_id: u64,
    txid: String,
    confirmed_round: u64,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct FanTotalView {
    fan: String,
    tips: u64,
    total_micro_algos: u64,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct RecentTipView {
    txid: String,
    round: u64,
    fan: String,
    amount_micro_algos: u64,
    memo: String,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct JobCountView {
    state: String,
    count: u64,
}

/// `platformCostMicroAlgos`: for a `unique` template 0.1 ALGO of locked minimum balance plus
/// two fees (mint, send) per reward; for an `edition` one fee (a transfer) per reward.
/// `remaining`: for an `edition`, the units of each variant no reward has taken yet (a tip that
/// earns a variant with none left is recorded as "sold out"); absent for `unique`.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct TemplateRewardsView {
    template_id: String,
    name: String,
    kind: &'static str,
    supply: &'static str,
    nfts: u64,
    rewards: u64,
    platform_cost_micro_algos: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    remaining: Option<RemainingView>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct DashboardView {
    tips: TipTotalsView,
    tips_last_24h: u64,
    tips_last_7d: u64,
    top_fans: Vec<FanTotalView>,
    recent_tips: Vec<RecentTipView>,
    reward_jobs: Vec<JobCountView>,
    templates: Vec<TemplateRewardsView>,
}

impl RegisteredView {
    pub(super) fn new(creator: Address, registered: &Registered) -> Self {
        Self {
            creator: creator.to_string(),
            created: registered.created,
            contract: ContractView::from(&registered.contract),
        }
    }
}

impl ContractDetailView {
    pub(super) fn new(contract: &Contract, state: &ContractState) -> Self {
        Self { contract: ContractView::from(contract), state: ContractStateView::from(state) }
    }
}

impl StatsView {
    pub(super) fn new(contract: &Contract, snapshot: &StatsSnapshot) -> Self {
        Self { app_id: contract.app_id.0, state: ContractStateView::from(&snapshot.state) }
    }
}

impl From<&Contract> for ContractView {
    fn from(contract: &Contract) -> Self {
        Self {
            app_id: contract.app_id.0,
            app_address: contract.app_address.to_string(),
            version: contract.version,
            deployed_at: contract.deployed_at.to_string(),
        }
    }
}

impl From<&ContractState> for ContractStateView {
    fn from(state: &ContractState) -> Self {
        Self {
            creator: state.creator.to_string(),
            platform: state.platform.to_string(),
            min_tip_micro_algos: state.min_tip.0,
            total_tips: state.total_tips,
            total_micro_algos: state.total_amount.0,
            paused: state.paused,
        }
    }
}

impl From<TipTotals> for TipTotalsView {
    fn from(totals: TipTotals) -> Self {
        Self {
            count: totals.count,
            total_micro_algos: totals.amount.0,
            unique_fans: totals.unique_fans,
        }
    }
}

impl From<CreatorProfile> for ProfileView {
    fn from(profile: CreatorProfile) -> Self {
        Self {
            wallet: profile.user.wallet.to_string(),
            username: profile.user.username,
            contract: ContractView::from(&profile.contract),
            tips: TipTotalsView::from(profile.tips),
            templates: profile
                .templates
                .into_iter()
                .map(|(kind, count)| TemplateCountView { kind: kind.as_str(), count })
                .collect(),
        }
    }
}

impl From<UnsignedCall> for UnsignedCallView {
    fn from(unsigned: UnsignedCall) -> Self {
        let txn = &unsigned.txn;
        let args = match &txn.body {
            TxnBody::AppCall(call) => call.args.iter().map(|arg| STANDARD.encode(arg)).collect(),
            _ => Vec::new(),
        };
        let header = &txn.header;
        let summary = TxnSummaryView {
            kind: txn.body.type_name(),
            sender: header.sender.to_string(),
            app_id: unsigned.contract.app_id.0,
            method: unsigned.call.method().signature(),
            args,
            fee_micro_algos: header.fee.0,
            first_valid: header.first_valid.0,
            last_valid: header.last_valid.0,
            genesis_id: header.genesis_id.clone(),
            genesis_hash: STANDARD.encode(header.genesis_hash),
        };
        Self { txn: STANDARD.encode(txn.encode()), txid: txn.id().to_string(), summary }
    }
}

impl From<ConfirmedCall> for ConfirmedCallView {
    fn from(confirmed: ConfirmedCall) -> Self {
        Self {
            method: confirmed.call.method().signature(),
            app_id: confirmed.contract.app_id.0,
            txid: confirmed.txid.to_string(),
            confirmed_round: confirmed.round.0,
        }
    }
}

impl From<FanTotal> for FanTotalView {
    fn from(fan: FanTotal) -> Self {
        Self { fan: fan.fan.to_string(), tips: fan.tips, total_micro_algos: fan.amount.0 }
    }
}

impl From<Tip> for RecentTipView {
    fn from(tip: Tip) -> Self {
        Self {
            memo: tip.memo_text(),
            txid: tip.txid,
            round: tip.round.0,
            fan: tip.fan.to_string(),
            amount_micro_algos: tip.amount.0,
        }
    }
}

impl From<TemplateRewards> for TemplateRewardsView {
    fn from(template: TemplateRewards) -> Self {
        let supply = match template.supply {
            Supply::Unique => "unique",
            Supply::Edition { .. } => "edition",
        };
        Self {
            template_id: template.template.to_string(),
            kind: template.kind.as_str(),
            supply,
            nfts: template.nfts,
            rewards: template.rewards,
            platform_cost_micro_algos: template.platform_cost().0,
            remaining: template.edition.map(|stock| stock.remaining().into()),
            name: template.name,
        }
    }
}

impl From<Dashboard> for DashboardView {
    fn from(dashboard: Dashboard) -> Self {
        Self {
            tips: TipTotalsView::from(dashboard.tips),
            tips_last_24h: dashboard.tips_last_day,
            tips_last_7d: dashboard.tips_last_week,
            top_fans: dashboard.top_fans.into_iter().map(FanTotalView::from).collect(),
            recent_tips: dashboard.recent_tips.into_iter().map(RecentTipView::from).collect(),
            reward_jobs: dashboard
                .reward_jobs
                .into_iter()
                .map(|(state, count)| JobCountView { state, count })
                .collect(),
            templates: dashboard.templates.into_iter().map(TemplateRewardsView::from).collect(),
        }
    }
}
