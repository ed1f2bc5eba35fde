//! `POST /auth/challenge`, `POST /auth/verify` and `GET /auth/me`.

use std::sync::Arc;

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Router, middleware};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::docs::ErrorBody;
use super::extract::{self, Authenticated, JsonBody};
use super::{ApiError, ApiResult, AppState, Envelope, NoMeta};
use crate::auth::{SignedIn, WalletSignature};
use crate::domain::{Challenge, Nonce, Role, Timestamp, User};
use crate::rate_limit::{self, IpRateLimiter};

/// The sign-in routes, rate limited per client IP by `limiter`, and the current-user route.
pub(super) fn router(limiter: Arc<IpRateLimiter>) -> Router<AppState> {
    Router::new()
        .route("/auth/challenge", post(challenge))
        .route("/auth/verify", post(verify))
        .route_layer(middleware::from_fn_with_state(limiter, rate_limit::enforce))
        .route("/auth/me", get(me))
}

/// The sign-in group of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(challenge, verify, me))]
pub(super) struct AuthApi;

#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ChallengeRequest {
    wallet: String,
}

/// The wallet signs `"MX"` followed by the UTF-8 bytes of `nonce` (what wallets' `signData`
/// and algosdk's `signBytes` produce) and sends the signature to `/auth/verify`.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct ChallengeView {
    wallet: String,
    nonce: String,
    #[schema(value_type = String)]
    expires_at: Timestamp,
}

/// A sign-in challenge for a wallet: sign `"MX" ‖ nonce` with its key and send it to
/// `/auth/verify`.
#[utoipa::path(
    post, path = "/auth/challenge", tag = "auth",
    request_body = ChallengeRequest,
    responses(
        (
            status = 200, description = "The challenge",
            body = inline(Envelope<ChallengeView, NoMeta>)
        ),
        (status = 400, description = "Not an address", body = ErrorBody),
        (status = 429, description = "Too many sign-ins from this client", body = ErrorBody),
    )
)]
async fn challenge(
    State(state): State<AppState>,
    JsonBody(request): JsonBody<ChallengeRequest>,
) -> ApiResult<Envelope<ChallengeView>> {
    let wallet = extract::wallet("wallet", &request.wallet)?;
    let challenge = state.auth.challenge(wallet).await?;
    Ok(Envelope::new(ChallengeView::from(challenge)))
}

#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct VerifyRequest {
    wallet: String,
    nonce: String,
    /// Standard base64 of the 64-byte Ed25519 signature.
    signature: String,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct SignedInView {
    access_token: String,
    token_type: &'static str,
    expires_in: u64,
    #[schema(value_type = String)]
    expires_at: Timestamp,
    user: UserView,
}

/// Answers a challenge with the wallet's Ed25519 signature (base64) and returns an access
/// token.
#[utoipa::path(
    post, path = "/auth/verify", tag = "auth",
    request_body = VerifyRequest,
    responses(
        (status = 200, description = "Signed in", body = inline(Envelope<SignedInView, NoMeta>)),
        (status = 400, description = "Malformed request", body = ErrorBody),
        (
            status = 401, description = "Unknown, used or expired challenge, or a bad signature",
            body = ErrorBody
        ),
        (status = 429, description = "Too many sign-ins from this client", body = ErrorBody),
    )
)]
async fn verify(
    State(state): State<AppState>,
    JsonBody(request): JsonBody<VerifyRequest>,
) -> ApiResult<Envelope<SignedInView>> {
    let wallet = extract::wallet("wallet", &request.wallet)?;
    let signature = WalletSignature::from_base64(&request.signature)
        .ok_or_else(|| ApiError::invalid("signature", "expected 64 bytes in standard base64"))?;
    let signed_in = state.auth.verify(wallet, &Nonce::from_text(request.nonce), &signature).await?;
    Ok(Envelope::new(SignedInView::from(signed_in)))
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct UserView {
    wallet: String,
    /// `fan` or `creator`.
    #[schema(value_type = String)]
    role: Role,
    username: Option<String>,
    #[schema(value_type = String)]
    created_at: Timestamp,
}

/// The signed-in user.
#[utoipa::path(
    get, path = "/auth/me", tag = "auth",
    responses(
        (status = 200, description = "The user", body = inline(Envelope<UserView, NoMeta>)),
        (status = 401, description = "No valid token", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
async fn me(Authenticated(user): Authenticated) -> Envelope<UserView> {
    Envelope::new(UserView::from(user))
}

impl From<Challenge> for ChallengeView {
    fn from(challenge: Challenge) -> Self {
        Self {
            wallet: challenge.wallet.to_string(),
            nonce: challenge.nonce.to_string(),
            expires_at: challenge.expires_at,
        }
    }
}

impl From<SignedIn> for SignedInView {
    fn from(signed_in: SignedIn) -> Self {
        Self {
            access_token: signed_in.token.token,
            token_type: "Bearer",
            expires_in: signed_in.token.lifetime.as_secs(),
            expires_at: signed_in.token.expires_at,
            user: UserView::from(signed_in.user),
        }
    }
}

impl From<User> for UserView {
    fn from(user: User) -> Self {
        Self {
            wallet: user.wallet.to_string(),
            role: user.role,
            username: user.username,
            created_at: user.created_at,
        }
    }
}
