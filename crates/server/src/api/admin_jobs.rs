//! The operator's view of reward jobs: `GET /admin/jobs` lists jobs in a state (dead ones by
//! default, with their last error), `POST /admin/jobs/{tipTxid}/{kind}/retry` revives a dead
//! job.

use axum::Router;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};

use super::extract::QueryParams;
use super::{Admin, ApiError, ApiResult, AppState, Envelope, PageMeta};
use crate::domain::{JobCursor, JobKey, JobState, RewardJob, TemplateKind};
use crate::store::RetryOutcome;

const DEFAULT_LIMIT: u32 = 50;
const MAX_LIMIT: u32 = 200;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/jobs", get(list))
        .route("/admin/jobs/{tipTxid}/{kind}/retry", post(retry))
}

/// The operator's reward-job routes.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list, retry))]
pub(super) struct AdminJobsApi;

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct ListParams {
    /// `queued`, `minting`, `minted`, `delivering`, `done`, `awaiting_optin`, `failed` or
    /// `dead` (the default).
    state: Option<String>,
    /// The `nextCursor` of the previous page.
    cursor: Option<String>,
    /// Page size, 1 to 200 (default 50).
    limit: Option<u32>,
}

/// A reward job as the operator sees it.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
struct JobView {
    tip_txid: String,
    kind: String,
    template_id: Option<String>,
    variant: String,
    state: String,
    attempts: u32,
    next_attempt_at: String,
    last_error: Option<String>,
    error_class: Option<String>,
    inflight_txid: Option<String>,
    asset_id: Option<u64>,
    created_at: String,
    updated_at: String,
}

/// One page of jobs.
#[allow(dead_code, reason = "describes the response in the API document")]
#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
struct JobListView {
    data: Vec<JobView>,
    meta: PageMetaView,
}

/// Paging metadata.
#[allow(dead_code, reason = "describes the response in the API document")]
#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
struct PageMetaView {
    next_cursor: Option<String>,
    limit: u32,
}

/// Lists reward jobs in one state, dead ones by default.
#[utoipa::path(
    get,
    path = "/admin/jobs",
    params(ListParams),
    responses(
        (status = 200, description = "A page of jobs", body = JobListView),
        (status = 400, description = "Bad state, cursor or limit"),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not an operator"),
    ),
    security(("bearer" = []))
)]
async fn list(
    State(state): State<AppState>,
    Admin(_operator): Admin,
    QueryParams(params): QueryParams<ListParams>,
) -> ApiResult<Envelope<Vec<JobView>, PageMeta>> {
    let job_state = match params.state.as_deref() {
        None => JobState::Dead,
        Some(text) => text.parse().map_err(|_| ApiError::invalid("state", "not a job state"))?,
    };
    let limit = params.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::invalid("limit", format!("must be from 1 to {MAX_LIMIT}")));
    }
    let after = params
        .cursor
        .map(|token| {
            JobCursor::decode(&token).ok_or_else(|| {
                ApiError::invalid("cursor", "not a cursor returned by this endpoint")
            })
        })
        .transpose()?;
    let page = state.store.reward_jobs_in(job_state, after.as_ref(), limit).await?;
    let meta = PageMeta { next_cursor: page.next.map(|cursor| cursor.encode()), limit };
    Ok(Envelope::with_meta(page.jobs.into_iter().map(JobView::from).collect(), meta))
}

/// Makes a dead job due again; it resumes from the step it died in.
#[utoipa::path(
    post,
    path = "/admin/jobs/{tipTxid}/{kind}/retry",
    params(
        ("tipTxid" = String, Path, description = "The tip's transaction id"),
        ("kind" = String, Path, description = "sticker, loyalty_badge, membership or collectible"),
    ),
    responses(
        (status = 200, description = "The job, due again", body = JobView),
        (status = 404, description = "No such job"),
        (status = 409, description = "The job is not dead, or delivers a revoked membership"),
    ),
    security(("bearer" = []))
)]
async fn retry(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Path((tip_txid, kind)): Path<(String, String)>,
) -> ApiResult<Envelope<JobView>> {
    let kind: TemplateKind =
        kind.parse().map_err(|_| ApiError::invalid("kind", "not a reward kind"))?;
    let key = JobKey { tip_txid, kind };
    match state.store.retry_dead_job(&key, state.clock.now()).await? {
        RetryOutcome::Retried => {}
        RetryOutcome::NotFound => return Err(ApiError::NotFound { what: "reward job" }),
        RetryOutcome::NotDead(job_state) => {
            return Err(ApiError::Conflict { reason: format!("the job is {job_state}, not dead") });
        }
        RetryOutcome::MembershipRevoked => {
            let reason = "the job delivers a membership that has expired and been revoked";
            return Err(ApiError::Conflict { reason: reason.to_owned() });
        }
    }
    tracing::info!(target: "api", job = %key, operator = %admin.wallet, "dead job retried");
    state.minter_wake.notify_one();
    let job =
        state.store.reward_job(&key).await?.ok_or(ApiError::NotFound { what: "reward job" })?;
    Ok(Envelope::new(JobView::from(job)))
}

impl From<RewardJob> for JobView {
    fn from(job: RewardJob) -> Self {
        Self {
            tip_txid: job.key.tip_txid,
            kind: job.key.kind.as_str().to_owned(),
            template_id: job.template_id.map(|id| id.to_string()),
            variant: job.variant.as_str().to_owned(),
            state: job.state.as_str().to_owned(),
            attempts: job.attempts,
            next_attempt_at: job.next_attempt_at.to_string(),
            last_error: job.last_error,
            error_class: job.error_class.map(|class| class.as_str().to_owned()),
            inflight_txid: job.inflight.map(|inflight| inflight.txid.to_string()),
            asset_id: job.asset_id.map(|asset| asset.0),
            created_at: job.created_at.to_string(),
            updated_at: job.updated_at.to_string(),
        }
    }
}
