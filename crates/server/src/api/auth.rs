//! `POST /auth/challenge`, `POST /auth/verify` and `GET /auth/me`.

use std::sync::Arc;

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Router, middleware};
use serde::{Deserialize, Serialize};

use super::extract::{self, Authenticated, JsonBody};
use super::{ApiError, ApiResult, AppState, Envelope};
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

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ChallengeRequest {
    wallet: String,
}

/// The wallet signs `"MX"` followed by the UTF-8 bytes of `nonce` (what wallets' `signData`
/// and algosdk's `signBytes` produce) and sends the signature to `/auth/verify`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ChallengeView {
    wallet: String,
    nonce: String,
    expires_at: Timestamp,
}

async fn challenge(
    State(state): State<AppState>,
    JsonBody(request): JsonBody<ChallengeRequest>,
) -> ApiResult<Envelope<ChallengeView>> {
    let wallet = extract::wallet("wallet", &request.wallet)?;
    let challenge = state.auth.challenge(wallet).await?;
    Ok(Envelope::new(ChallengeView::from(challenge)))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct VerifyRequest {
    wallet: String,
    nonce: String,
    /// Standard base64 of the 64-byte Ed25519 signature.
    signature: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SignedInView {
    access_token: String,
    token_type: &'static str,
    expires_in: u64,
    expires_at: Timestamp,
    user: UserView,
}

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

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct UserView {
    wallet: String,
    role: Role,
    username: Option<String>,
    created_at: Timestamp,
}

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
