//! The creators group: registration, public pages, contract state and stats, the calls that
//! pause, resume or re-price a contract, and the creator's dashboard.

mod views;

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Router, middleware};
use serde::Deserialize;
use tipforge_algo::MicroAlgos;
use utoipa::{OpenApi, ToSchema};

use self::views::{
    ConfirmedCallView, ContractDetailView, DashboardView, ProfileView, RegisteredView, StatsMeta,
    StatsView, UnsignedCallView,
};
use super::extract::{self, Admin, Authenticated, JsonBody};
use super::{ApiError, ApiResult, AppState, Envelope};
use crate::creators::{AdminCall, RegistrationRequest};
use crate::domain::{MinTip, Username};
use crate::rate_limit::{self, IpRateLimiter};

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
    Ok((status, Envelope::new(RegisteredView::new(user.wallet, &registered))))
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
    Ok(Envelope::new(ContractDetailView::new(&contract, &chain_state)))
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
    Ok(Envelope::with_meta(StatsView::new(&contract, &snapshot), meta))
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
