//! Extractors that turn requests into validated domain values, failing as [`ApiError`]s.

use axum::Json;
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use tipforge_algo::Address;

use super::{ApiError, AppState};
use crate::auth::AuthError;
use crate::domain::User;

/// A JSON body whose rejection is an [`ApiError`] in the API's envelope.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let Json(value) = Json::<T>::from_request(request, state).await?;
        Ok(Self(value))
    }
}

/// A query string whose rejection is an [`ApiError`] in the API's envelope.
#[derive(Debug)]
pub struct QueryParams<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for QueryParams<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Query(value) = Query::<T>::from_request_parts(parts, state).await?;
        Ok(Self(value))
    }
}

/// The user proven by the request's `Authorization: Bearer` token, with the role the database
/// holds. No other header is ever taken as identity.
#[derive(Debug, Clone)]
pub struct Authenticated(pub User);

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer_token(parts).ok_or(AuthError::MissingToken)?;
        let user = state.auth.authenticate(token).await?;
        Ok(Self(user))
    }
}

/// A signed-in operator: the platform account or one of the configured admin wallets. Anyone
/// else, signed in or not, is refused.
#[derive(Debug, Clone)]
pub struct Admin(pub User);

impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Authenticated(user) = Authenticated::from_request_parts(parts, state).await?;
        let is_admin =
            user.wallet == state.platform.address() || state.admins.contains(&user.wallet);
        if !is_admin {
            return Err(ApiError::Forbidden { reason: "only an operator may do this" });
        }
        Ok(Self(user))
    }
}

fn bearer_token(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Parses a wallet address sent in `field`.
pub(super) fn wallet(field: &'static str, text: &str) -> Result<Address, ApiError> {
    text.parse().map_err(|err| ApiError::invalid(field, format!("not an Algorand address ({err})")))
}
