//! The OpenAPI document at `/openapi.json` and the Swagger UI at `/docs`, served from assets
//! compiled into the binary, so the documentation works without network access.
//!
//! Each API module describes its own routes in a `…Api` struct; [`document`] merges them.

use axum::Router;
use serde::Serialize;
use serde_json::Value;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};
use utoipa_swagger_ui::SwaggerUi;

use super::{
    AppState, admin_jobs, auth, creators, fans, health, leaderboards, listener, metrics, nfts,
    templates, tips, transactions,
};

/// Where the document is served.
pub const OPENAPI_PATH: &str = "/openapi.json";
/// Where the Swagger UI is served.
pub const DOCS_PATH: &str = "/docs";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "TipForge API",
        description = "Creator tipping on Algorand. Successful responses are \
            `{\"data\": …, \"meta\": {…}}`; failures are `{\"error\": {\"code\", \"message\", \
            \"details\"}}` with a matching status. Fields are camelCase; amounts are integer \
            µAlgo. Sign in with `/auth/challenge` and `/auth/verify`, then send \
            `Authorization: Bearer <accessToken>`."
    ),
    servers((url = "/", description = "This server")),
    components(schemas(ErrorBody, ErrorDetail)),
    modifiers(&BearerAuth),
    paths(gateway)
)]
struct ApiDoc;

/// The whole document: every group's paths and schemas.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut document = ApiDoc::openapi();
    for group in [
        auth::AuthApi::openapi(),
        tips::TipsApi::openapi(),
        health::HealthApi::openapi(),
        listener::ListenerApi::openapi(),
        metrics::MetricsApi::openapi(),
        templates::TemplatesApi::openapi(),
        creators::CreatorsApi::openapi(),
        fans::FansApi::openapi(),
        nfts::NftsApi::openapi(),
        leaderboards::LeaderboardsApi::openapi(),
        transactions::TransactionsApi::openapi(),
        admin_jobs::AdminJobsApi::openapi(),
    ] {
        document.merge(group);
    }
    document
}

/// `/openapi.json` and the Swagger UI under `/docs`.
pub(super) fn router() -> Router<AppState> {
    Router::from(SwaggerUi::new(DOCS_PATH).url(OPENAPI_PATH, document()))
}

/// Adds the `bearer` scheme the authenticated routes name.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let scheme = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .bearer_format("JWT")
            .description(Some("The access token from `/auth/verify`."))
            .build();
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(scheme));
    }
}

/// Every failure's body.
#[derive(Serialize, ToSchema)]
pub(super) struct ErrorBody {
    error: ErrorDetail,
}

/// What failed.
#[derive(Serialize, ToSchema)]
pub(super) struct ErrorDetail {
    /// A stable, machine-readable name, e.g. `invalid_field`, `template_in_use`.
    code: String,
    /// A human-readable explanation; opaque for internal errors.
    message: String,
    /// Structured context, e.g. `{"field": "name"}`; `null` when there is none.
    #[schema(value_type = Object, nullable)]
    details: Value,
}

/// Content pinned by this server (template images and ARC-3 metadata), by CID. Honours single
/// byte ranges; the content type is sniffed from the bytes.
#[utoipa::path(
    get, path = "/ipfs/{cid}", tag = "ipfs",
    params(("cid" = String, Path, description = "A CIDv0 or CIDv1")),
    responses(
        (status = 200, description = "The content", content_type = "application/octet-stream"),
        (status = 206, description = "The requested range"),
        (status = 400, description = "Malformed CID"),
        (status = 404, description = "Not stored here"),
    )
)]
#[allow(dead_code, reason = "describes the gateway, which the ipfs crate serves")]
fn gateway() {}
