//! Sign-in with a wallet: a one-time challenge signed with the wallet's key, exchanged for a
//! short-lived access token. Identity comes only from that token; roles come from the database.

mod signature;
mod token;

use std::time::Duration;

use tipforge_algo::Address;

use crate::config::AuthConfig;
use crate::domain::{Challenge, Clock, Nonce, Timestamp, User};
use crate::store::{Store, StoreError};

pub use signature::WalletSignature;
pub use token::{AccessToken, TokenKeys};

/// Why signing in or authenticating failed.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// No challenge with this nonce was issued to this wallet.
    #[error("no challenge with this nonce was issued to this wallet")]
    UnknownChallenge,
    /// The challenge was already used to sign in.
    #[error("the challenge was already used")]
    ChallengeUsed,
    /// The challenge's time to answer has passed.
    #[error("the challenge has expired")]
    ChallengeExpired,
    /// The signature is not the wallet's over `"MX" ‖ nonce`.
    #[error("the signature does not verify under the wallet's key")]
    BadSignature,
    /// The request carries no bearer token.
    #[error("an Authorization: Bearer token is required")]
    MissingToken,
    /// The token was valid but its time is up.
    #[error("the access token has expired")]
    TokenExpired,
    /// The token is malformed, forged, or from another issuer.
    #[error("the access token is invalid")]
    InvalidToken,
    /// The token names a wallet the store does not know.
    #[error("the access token's wallet has no account")]
    UnknownUser,
    /// A token could not be made.
    #[error("cannot issue an access token")]
    Issue(#[source] jsonwebtoken::errors::Error),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A successful sign-in.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// The bearer token to send with later requests.
    pub token: AccessToken,
    /// The signed-in user, with the role the database holds.
    pub user: User,
}

/// Issues challenges, checks their signatures and authenticates tokens.
#[derive(Debug, Clone)]
pub struct Auth {
    store: Store,
    keys: TokenKeys,
    clock: Clock,
    challenge_ttl: Duration,
}

impl Auth {
    /// Sign-in backed by `store`, with token settings from `config`.
    pub fn new(store: Store, config: &AuthConfig, clock: Clock) -> Self {
        let keys = TokenKeys::new(config);
        Self { store, keys, clock, challenge_ttl: config.challenge_ttl() }
    }

    /// Issues and stores a fresh challenge for `wallet`.
    pub async fn challenge(&self, wallet: Address) -> Result<Challenge, AuthError> {
        let now = self.clock.now();
        let challenge = Challenge {
            nonce: Nonce::random(),
            wallet,
            created_at: now,
            expires_at: now.plus(self.challenge_ttl),
            used_at: None,
        };
        self.store.insert_challenge(&challenge).await?;
        Ok(challenge)
    }

    /// Checks that `signature` is `wallet`'s over the challenge `nonce`, uses the challenge up,
    /// and returns a token for the wallet's user (created as a fan on first sign-in).
    pub async fn verify(
        &self,
        wallet: Address,
        nonce: &Nonce,
        signature: &WalletSignature,
    ) -> Result<SignedIn, AuthError> {
        let now = self.clock.now();
        let challenge = self.store.challenge(nonce).await?;
        let challenge = challenge.filter(|challenge| challenge.wallet == wallet);
        check_usable(challenge.as_ref(), now)?;
        signature.verify(&wallet, &nonce.signed_message())?;
        self.store.consume_challenge(nonce, &wallet, now).await.map_err(|err| match err {
            StoreError::ChallengeUnavailable => AuthError::ChallengeUsed,
            other => other.into(),
        })?;
        let user = self.store.upsert_fan(&wallet, now).await?;
        let token = self.keys.issue(&wallet, now)?;
        tracing::debug!(target: "auth", %wallet, role = %user.role, "signed in");
        Ok(SignedIn { token, user })
    }

    /// The user a bearer token speaks for, with the role the database holds now.
    pub async fn authenticate(&self, token: &str) -> Result<User, AuthError> {
        let wallet = self.keys.validate(token, self.clock.now())?;
        self.store.user(&wallet).await?.ok_or(AuthError::UnknownUser)
    }
}

fn check_usable(challenge: Option<&Challenge>, now: Timestamp) -> Result<(), AuthError> {
    let challenge = challenge.ok_or(AuthError::UnknownChallenge)?;
    if challenge.used_at.is_some() {
        return Err(AuthError::ChallengeUsed);
    }
    if challenge.expires_at <= now {
        return Err(AuthError::ChallengeExpired);
    }
    Ok(())
}
