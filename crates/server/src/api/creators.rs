//! The creators group: registration, public pages, contract state and stats, the calls that
//! pause, resume or re-price a contract, and the creator's dashboard.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Router, middleware};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use super::extract::{self, Admin, Authenticated, JsonBody};
use super::{ApiError, ApiResult, AppState, Envelope};
use crate::creators::{AdminCall, ConfirmedCall, RegistrationRequest, StatsSnapshot, UnsignedCall};
use crate::domain::{
    Contract, ContractState, CreatorProfile, Dashboard, FanTotal, MinTip, TemplateRewards, Tip,
    TipTotals, Username,
};
use crate::rate_limit::{self, IpRateLimiter};
use tipforge_algo::{MicroAlgos, TxnBody};

/// The creators routes; registration is rate limited per client IP by `registration`.
pub(super) fn router(registration: Arc<IpRateLimiter>) -> Router<AppState> {
    Router::new()
        .route("/creators/register", post(register))
        .route_layer(middleware::from_fn_with_state(registration, rate_limit::enforce))
        .route("/creators/me/dashboard", get(dashboard))
        .route("/creators/me/pause", post(pause))
        .route("/creators/me/resume", post(resume))
        .route("/creators/me/min-tip", post(set_min_tip))
        .route("/creators/{wallet}", get(profile))
        .route("/creators/{wallet}/contract", get(contract))
        .route("/creators/{wallet}/stats", get(stats))
        .route("/admin/creators/{wallet}/pause", post(admin_pause))
        .route("/admin/creators/{wallet}/resume", post(admin_resume))
}

/// The OpenAPI description of the creators routes.
#[derive(OpenApi)]
#[openapi(
    paths(
        register,
        profile,
        contract,
        stats,
        pause,
        resume,
        set_min_tip,
        admin_pause,
        admin_resume,
        dashboard
    ),
    tags((name = "creators", description = "Creator registration, contracts and dashboards"))
)]
#[allow(dead_code, reason = "composed into the service's API document with the other groups")]
pub(super) struct CreatorsApi;

/// Registration. `minTip` is the contract's minimum tip in µAlgo, from 1,000 (0.001 ALGO) to
/// 1,000,000,000,000; without it the contract accepts tips from 100,000 µAlgo (0.1 ALGO).
/// `username`: 3 to 32 of `a-z`, `0-9`, `_`, `-` (upper case is folded), unique.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RegisterRequest {
    min_tip: Option<u64>,
    username: Option<String>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct ContractView {
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
struct RegisteredView {
    creator: String,
    created: bool,
    contract: ContractView,
}

/// Deploys the signed-in wallet's TipProxy from the platform account, funds its account's
/// minimum balance, and makes the wallet a creator. Exactly one contract per creator: a
/// concurrent or repeated registration answers 200 with the same contract.
#[utoipa::path(
    post,
    path = "/creators/register",
    tag = "creators",
    request_body = RegisterRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Deployed", body = RegisteredView),
        (status = 200, description = "Already registered", body = RegisteredView),
        (status = 400, description = "Invalid minimum tip or username, or the node refused"),
        (status = 401, description = "Not signed in"),
        (status = 409, description = "Username taken, or a registration still in progress"),
        (status = 429, description = "Too many registrations from this client"),
    )
)]
async fn register(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    JsonBody(request): JsonBody<RegisterRequest>,
) -> ApiResult<(StatusCode, Envelope<RegisteredView>)> {
    let request = request.validate()?;
    let registered = state.creators.register(&user, &request).await?;
    let status = if registered.created { StatusCode::CREATED } else { StatusCode::OK };
    let view = RegisteredView {
        creator: user.wallet.to_string(),
        created: registered.created,
        contract: ContractView::from(&registered.contract),
    };
    Ok((status, Envelope::new(view)))
}

impl RegisterRequest {
    fn validate(self) -> Result<RegistrationRequest, ApiError> {
        let min_tip = match self.min_tip {
            Some(amount) => min_tip("minTip", amount)?,
            None => MinTip::DEFAULT,
        };
        let username = self
            .username
            .map(|name| {
                Username::parse(&name).map_err(|reason| ApiError::invalid("username", reason))
            })
            .transpose()?;
        Ok(RegistrationRequest { min_tip, username })
    }
}

fn min_tip(field: &'static str, amount: u64) -> Result<MinTip, ApiError> {
    MinTip::new(MicroAlgos(amount)).ok_or_else(|| {
        let (low, high) = (MinTip::LOWEST.0, MinTip::HIGHEST.0);
        ApiError::invalid(field, format!("must be from {low} to {high} µAlgo"))
    })
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct TipTotalsView {
    count: u64,
    total_micro_algos: u64,
    unique_fans: u64,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct TemplateCountView {
    kind: &'static str,
    count: u64,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct ProfileView {
    wallet: String,
    username: Option<String>,
    contract: ContractView,
    tips: TipTotalsView,
    templates: Vec<TemplateCountView>,
}

/// A creator's public page: name, contract, tip totals seen by TipForge, templates by kind.
#[utoipa::path(
    get,
    path = "/creators/{wallet}",
    tag = "creators",
    params(("wallet" = String, Path, description = "The creator's Algorand address")),
    responses(
        (status = 200, body = ProfileView),
        (status = 400, description = "Not an Algorand address"),
        (status = 404, description = "No creator with this wallet"),
    )
)]
async fn profile(
    State(state): State<AppState>,
    Path(wallet): Path<String>,
) -> ApiResult<Envelope<ProfileView>> {
    let wallet = extract::wallet("wallet", &wallet)?;
    let profile = state.creators.profile(&wallet).await?;
    Ok(Envelope::new(ProfileView::from(profile)))
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct ContractStateView {
    creator: String,
    platform: String,
    min_tip_micro_algos: u64,
    total_tips: u64,
    total_micro_algos: u64,
    paused: bool,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct ContractDetailView {
    #[serde(flatten)]
    contract: ContractView,
    /// The global state, read from the node for this request.
    state: ContractStateView,
}

/// The creator's contract and its global state, read from the node now.
#[utoipa::path(
    get,
    path = "/creators/{wallet}/contract",
    tag = "creators",
    params(("wallet" = String, Path, description = "The creator's Algorand address")),
    responses(
        (status = 200, body = ContractDetailView),
        (status = 400, description = "Not an Algorand address"),
        (status = 404, description = "No creator with this wallet"),
        (status = 503, description = "The node is unreachable"),
    )
)]
async fn contract(
    State(state): State<AppState>,
    Path(wallet): Path<String>,
) -> ApiResult<Envelope<ContractDetailView>> {
    let wallet = extract::wallet("wallet", &wallet)?;
    let (contract, chain_state) = state.creators.contract(&wallet).await?;
    let view = ContractDetailView {
        contract: ContractView::from(&contract),
        state: ContractStateView::from(&chain_state),
    };
    Ok(Envelope::new(view))
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct StatsView {
    app_id: u64,
    #[serde(flatten)]
    state: ContractStateView,
}

/// How fresh cached stats are.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct StatsMeta {
    /// RFC 3339, UTC: when the state was read from the node.
    fetched_at: String,
    /// Milliseconds since then; at most the cache's 60 s lifetime.
    cache_age_ms: u64,
}

/// The contract's on-chain stats, cached per app for 60 s and refreshed after pause, resume
/// and minimum-tip changes made through TipForge.
#[utoipa::path(
    get,
    path = "/creators/{wallet}/stats",
    tag = "creators",
    params(("wallet" = String, Path, description = "The creator's Algorand address")),
    responses(
        (status = 200, body = StatsView),
        (status = 400, description = "Not an Algorand address"),
        (status = 404, description = "No creator with this wallet"),
        (status = 503, description = "The node is unreachable"),
    )
)]
async fn stats(
    State(state): State<AppState>,
    Path(wallet): Path<String>,
) -> ApiResult<Envelope<StatsView, StatsMeta>> {
    let wallet = extract::wallet("wallet", &wallet)?;
    let (contract, snapshot) = state.creators.stats(&wallet).await?;
    let meta = StatsMeta::new(&snapshot, state.clock.now().0);
    let view =
        StatsView { app_id: contract.app_id.0, state: ContractStateView::from(&snapshot.state) };
    Ok(Envelope::with_meta(view, meta))
}

impl StatsMeta {
    fn new(snapshot: &StatsSnapshot, now_millis: i64) -> Self {
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
struct TxnSummaryView {
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
struct UnsignedCallView {
    txn: String,
    txid: String,
    summary: TxnSummaryView,
}

/// The unsigned `pause()` call of the signed-in creator's contract.
#[utoipa::path(
    post,
    path = "/creators/me/pause",
    tag = "creators",
    security(("bearer" = [])),
    responses(
        (status = 200, body = UnsignedCallView),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not a creator"),
    )
)]
async fn pause(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
) -> ApiResult<Envelope<UnsignedCallView>> {
    let call = state.creators.unsigned_call(&user, AdminCall::Pause).await?;
    Ok(Envelope::new(UnsignedCallView::from(call)))
}

/// The unsigned `resume()` call of the signed-in creator's contract.
#[utoipa::path(
    post,
    path = "/creators/me/resume",
    tag = "creators",
    security(("bearer" = [])),
    responses(
        (status = 200, body = UnsignedCallView),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not a creator"),
    )
)]
async fn resume(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
) -> ApiResult<Envelope<UnsignedCallView>> {
    let call = state.creators.unsigned_call(&user, AdminCall::Resume).await?;
    Ok(Envelope::new(UnsignedCallView::from(call)))
}

/// A new minimum tip in µAlgo, from 1,000 to 1,000,000,000,000.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct MinTipRequest {
    min_tip: u64,
}

/// The unsigned `set_min_tip(uint64)` call of the signed-in creator's contract.
#[utoipa::path(
    post,
    path = "/creators/me/min-tip",
    tag = "creators",
    request_body = MinTipRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, body = UnsignedCallView),
        (status = 400, description = "Minimum tip out of range"),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not a creator"),
    )
)]
async fn set_min_tip(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    JsonBody(request): JsonBody<MinTipRequest>,
) -> ApiResult<Envelope<UnsignedCallView>> {
    let call = AdminCall::SetMinTip(min_tip("minTip", request.min_tip)?);
    let call = state.creators.unsigned_call(&user, call).await?;
    Ok(Envelope::new(UnsignedCallView::from(call)))
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct ConfirmedCallView {
    method: String,
    app_id: u64,
    txid: String,
    confirmed_round: u64,
}

/// Pauses a creator's contract from the platform account (operators only).
#[utoipa::path(
    post,
    path = "/admin/creators/{wallet}/pause",
    tag = "creators",
    params(("wallet" = String, Path, description = "The creator's Algorand address")),
    security(("bearer" = [])),
    responses(
        (status = 200, body = ConfirmedCallView),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not an operator"),
        (status = 404, description = "No creator with this wallet"),
    )
)]
async fn admin_pause(
    State(state): State<AppState>,
    Admin(_operator): Admin,
    Path(wallet): Path<String>,
) -> ApiResult<Envelope<ConfirmedCallView>> {
    platform_call(&state, &wallet, AdminCall::Pause).await
}

/// Resumes a creator's contract from the platform account (operators only).
#[utoipa::path(
    post,
    path = "/admin/creators/{wallet}/resume",
    tag = "creators",
    params(("wallet" = String, Path, description = "The creator's Algorand address")),
    security(("bearer" = [])),
    responses(
        (status = 200, body = ConfirmedCallView),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not an operator"),
        (status = 404, description = "No creator with this wallet"),
    )
)]
async fn admin_resume(
    State(state): State<AppState>,
    Admin(_operator): Admin,
    Path(wallet): Path<String>,
) -> ApiResult<Envelope<ConfirmedCallView>> {
    platform_call(&state, &wallet, AdminCall::Resume).await
}

async fn platform_call(
    state: &AppState,
    wallet: &str,
    call: AdminCall,
) -> ApiResult<Envelope<ConfirmedCallView>> {
    let wallet = extract::wallet("wallet", wallet)?;
    let confirmed = state.creators.platform_call(&wallet, call).await?;
    Ok(Envelope::new(ConfirmedCallView::from(confirmed)))
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct FanTotalView {
    fan: String,
    tips: u64,
    total_micro_algos: u64,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct RecentTipView {
    txid: String,
    round: u64,
    fan: String,
    amount_micro_algos: u64,
    memo: String,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct JobCountView {
    state: String,
    count: u64,
}

/// `platformCostMicroAlgos`: for a `unique` template 0.1 ALGO of locked minimum balance plus
/// two fees (mint, send) per reward; for an `edition` one fee (a transfer) per reward.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct TemplateRewardsView {
    template_id: String,
    name: String,
    kind: &'static str,
    supply: &'static str,
    nfts: u64,
    rewards: u64,
    platform_cost_micro_algos: u64,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct DashboardView {
    tips: TipTotalsView,
    tips_last_24h: u64,
    tips_last_7d: u64,
    top_fans: Vec<FanTotalView>,
    recent_tips: Vec<RecentTipView>,
    reward_jobs: Vec<JobCountView>,
    templates: Vec<TemplateRewardsView>,
}

/// The signed-in creator's figures: tips, fans, reward jobs, and what each template's rewards
/// cost the platform so far.
#[utoipa::path(
    get,
    path = "/creators/me/dashboard",
    tag = "creators",
    security(("bearer" = [])),
    responses(
        (status = 200, body = DashboardView),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not a creator"),
    )
)]
async fn dashboard(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
) -> ApiResult<Envelope<DashboardView>> {
    let dashboard = state.creators.dashboard(&user).await?;
    Ok(Envelope::new(DashboardView::from(dashboard)))
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
            crate::domain::Supply::Unique => "unique",
            crate::domain::Supply::Edition { .. } => "edition",
        };
        Self {
            template_id: template.template.to_string(),
            kind: template.kind.as_str(),
            supply,
            nfts: template.nfts,
            rewards: template.rewards,
            platform_cost_micro_algos: template.platform_cost().0,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_lists_every_creators_route() {
        let document = CreatorsApi::openapi();
        let paths: Vec<&String> = document.paths.paths.keys().collect();

        for path in [
            "/creators/register",
            "/creators/{wallet}",
            "/creators/{wallet}/contract",
            "/creators/{wallet}/stats",
            "/creators/me/pause",
            "/creators/me/resume",
            "/creators/me/min-tip",
            "/creators/me/dashboard",
            "/admin/creators/{wallet}/pause",
            "/admin/creators/{wallet}/resume",
        ] {
            assert!(paths.iter().any(|known| known.as_str() == path), "{path} is missing");
        }
    }
}
