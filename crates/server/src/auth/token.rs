//! HS256 access tokens.

use std::time::Duration;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand_core::{OsRng, RngCore};
use serde::{Deserialize, Serialize};
use tipforge_algo::Address;

use super::AuthError;
use crate::config::AuthConfig;
use crate::domain::Timestamp;

/// The claims TipForge puts in a token. There is deliberately no role: roles are read from the
/// database on each request, so they can never be stale or forged.
#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    iss: String,
    sub: String,
    iat: i64,
    exp: i64,
}

/// An issued token and when it stops being accepted.
#[derive(Debug, Clone)]
pub struct AccessToken {
    /// The compact JWT.
    pub token: String,
    /// Its expiry.
    pub expires_at: Timestamp,
    /// Its lifetime from issue.
    pub lifetime: Duration,
}

/// The keys and rules for issuing and checking tokens.
#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    issuer: String,
    ttl: Duration,
}

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenKeys").field("issuer", &self.issuer).field("ttl", &self.ttl).finish()
    }
}

impl TokenKeys {
    /// Keys from the configured secret. Without one (allowed in dev mode only) a random secret
    /// is generated, so tokens do not survive a restart.
    pub fn new(config: &AuthConfig) -> Self {
        let secret = match &config.jwt_secret {
            Some(secret) => secret.expose().as_bytes().to_vec(),
            None => {
                tracing::warn!(target: "auth", "no JWT secret configured; using a random one");
                let mut secret = vec![0u8; 32];
                OsRng.fill_bytes(&mut secret);
                secret
            }
        };
        Self {
            encoding: EncodingKey::from_secret(&secret),
            decoding: DecodingKey::from_secret(&secret),
            issuer: config.jwt_issuer.clone(),
            ttl: config.token_ttl(),
        }
    }

    /// A token for `wallet`, valid from `now` for the configured lifetime.
    pub fn issue(&self, wallet: &Address, now: Timestamp) -> Result<AccessToken, AuthError> {
        let expires_at = now.plus(self.ttl);
        let claims = Claims {
            iss: self.issuer.clone(),
            sub: wallet.to_string(),
            iat: now.unix_seconds(),
            exp: expires_at.unix_seconds(),
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(AuthError::Issue)?;
        Ok(AccessToken { token, expires_at, lifetime: self.ttl })
    }

    /// The wallet a token was issued to, if the token is ours, unaltered and unexpired at
    /// `now`. Expiry is checked against the server's clock rather than the library's, so that
    /// it follows the same time as everything else.
    pub fn validate(&self, token: &str, now: Timestamp) -> Result<Address, AuthError> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[&self.issuer]);
        validation.set_required_spec_claims(&["exp", "iss", "sub"]);
        validation.validate_exp = false;
        let claims = jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation)
            .map_err(|_| AuthError::InvalidToken)?
            .claims;
        if claims.exp <= now.unix_seconds() {
            return Err(AuthError::TokenExpired);
        }
        claims.sub.parse().map_err(|_| AuthError::InvalidToken)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Secret;

    fn keys(secret: &str) -> TokenKeys {
        TokenKeys::new(&AuthConfig {
            jwt_secret: Some(Secret::new(secret)),
            ..AuthConfig::default()
        })
    }

    #[test]
    fn a_token_names_its_wallet_until_it_expires() {
        let keys = keys("a-secret-long-enough-for-the-test-suite");
        let wallet = Address([3; 32]);
        let issued = keys.issue(&wallet, Timestamp(1_000_000)).unwrap();

        assert_eq!(keys.validate(&issued.token, Timestamp(1_000_000)).unwrap(), wallet);
        assert!(matches!(
            keys.validate(&issued.token, issued.expires_at),
            Err(AuthError::TokenExpired)
        ));
    }

    #[test]
    fn a_token_signed_with_another_secret_is_invalid() {
        let issued = keys("one-secret").issue(&Address([3; 32]), Timestamp(0)).unwrap();

        let result = keys("another-secret").validate(&issued.token, Timestamp(0));

        assert!(matches!(result, Err(AuthError::InvalidToken)));
    }
}
