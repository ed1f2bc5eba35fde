//! HTTP plumbing shared by the algod and indexer clients: base URL and token, timeouts, error
//! classification, retries and request metrics.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use reqwest::header::CONTENT_TYPE;
use serde::de::DeserializeOwned;
use url::Url;

use crate::error::{ChainError, ErrorKind, Result};
use crate::retry::RetryPolicy;

/// An API token; `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiToken(String);

impl ApiToken {
    /// Wraps a token.
    pub fn new(token: impl Into<String>) -> Self {
        Self(token.into())
    }
}

impl fmt::Debug for ApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiToken(<redacted>)")
    }
}

/// Which service a request went to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Service {
    Algod,
    Indexer,
}

impl Service {
    fn name(self) -> &'static str {
        match self {
            Self::Algod => "algod",
            Self::Indexer => "indexer",
        }
    }

    fn token_header(self) -> &'static str {
        match self {
            Self::Algod => "X-Algo-API-Token",
            Self::Indexer => "X-Indexer-API-Token",
        }
    }
}

/// A service and route template, the label errors and metrics carry (never a full URL with ids,
/// which would make every round its own metric series).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Endpoint {
    service: Service,
    route: &'static str,
}

impl Endpoint {
    /// An algod route.
    pub const fn algod(route: &'static str) -> Self {
        Self { service: Service::Algod, route }
    }

    /// An indexer route.
    pub const fn indexer(route: &'static str) -> Self {
        Self { service: Service::Indexer, route }
    }

    /// The route template, e.g. `/v2/blocks/{round}`.
    pub fn route(&self) -> &'static str {
        self.route
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.service.name(), self.route)
    }
}

/// Failed chain queries, counted per service, for status pages (the same events also go to the
/// `metrics` facade as `tipforge_chain_errors_total`).
#[derive(Debug, Default)]
pub struct ChainMetrics {
    algod_errors: AtomicU64,
    indexer_errors: AtomicU64,
}

impl ChainMetrics {
    /// Failed algod requests so far, retried ones included.
    pub fn algod_errors(&self) -> u64 {
        self.algod_errors.load(Ordering::Relaxed)
    }

    /// Failed indexer requests so far, retried ones included.
    pub fn indexer_errors(&self) -> u64 {
        self.indexer_errors.load(Ordering::Relaxed)
    }

    fn record_error(&self, service: Service) {
        let counter = match service {
            Service::Algod => &self.algod_errors,
            Service::Indexer => &self.indexer_errors,
        };
        counter.fetch_add(1, Ordering::Relaxed);
        metrics::counter!("tipforge_chain_errors_total", "service" => service.name()).increment(1);
    }
}

/// One REST service: base URL, token, timeout and retry policy.
#[derive(Debug, Clone)]
pub(crate) struct RestClient {
    http: reqwest::Client,
    base: Url,
    token: Option<ApiToken>,
    service: Service,
    retry: RetryPolicy,
    metrics: Arc<ChainMetrics>,
}

/// The parts of one request.
pub(crate) struct Call<'a> {
    pub(crate) endpoint: Endpoint,
    pub(crate) path: String,
    pub(crate) query: Vec<(&'a str, String)>,
    pub(crate) timeout: Option<Duration>,
}

impl<'a> Call<'a> {
    pub(crate) fn get(endpoint: Endpoint, path: impl Into<String>) -> Self {
        Self { endpoint, path: path.into(), query: Vec::new(), timeout: None }
    }

    pub(crate) fn query(mut self, key: &'a str, value: impl ToString) -> Self {
        self.query.push((key, value.to_string()));
        self
    }

    pub(crate) fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }
}

impl RestClient {
    pub(crate) fn new(
        service: Service,
        base_url: &str,
        token: Option<ApiToken>,
        timeout: Duration,
        retry: RetryPolicy,
        metrics: Arc<ChainMetrics>,
    ) -> Result<Self> {
        let invalid = |reason: String| ChainError::InvalidUrl { url: base_url.to_owned(), reason };
        let base = Url::parse(base_url).map_err(|err| invalid(err.to_string()))?;
        if base.cannot_be_a_base() {
            return Err(invalid("not a base URL".to_owned()));
        }
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .build()
            .map_err(|err| invalid(err.to_string()))?;
        Ok(Self { http, base, token, service, retry, metrics })
    }

    pub(crate) fn metrics(&self) -> &Arc<ChainMetrics> {
        &self.metrics
    }

    /// The same service (and connection pool) under another retry policy.
    pub(crate) fn with_retry(&self, retry: RetryPolicy) -> Self {
        Self { retry, ..self.clone() }
    }

    pub(crate) fn retry(&self) -> RetryPolicy {
        self.retry
    }

    /// GET with retries, parsing JSON.
    pub(crate) async fn get_json<T: DeserializeOwned>(&self, call: Call<'_>) -> Result<T> {
        let endpoint = call.endpoint;
        let body = self.get_bytes(call).await?;
        serde_json::from_slice(&body)
            .map_err(|err| ChainError::Decode { endpoint, reason: err.to_string() })
    }

    /// GET with retries, returning the raw body.
    pub(crate) async fn get_bytes(&self, call: Call<'_>) -> Result<Vec<u8>> {
        self.retry
            .run(|| async {
                let request = self.http.get(self.url(&call.path)).query(&call.query);
                self.send(call.endpoint, request, call.timeout).await
            })
            .await
    }

    /// POST once (never retried: the caller decides whether resending is safe).
    pub(crate) async fn post(
        &self,
        endpoint: Endpoint,
        path: &str,
        content_type: &'static str,
        body: Vec<u8>,
    ) -> Result<Vec<u8>> {
        let request = self.http.post(self.url(path)).header(CONTENT_TYPE, content_type).body(body);
        self.send(endpoint, request, None).await
    }

    fn url(&self, path: &str) -> Url {
        let mut url = self.base.clone();
        let joined = format!("{}{}", url.path().trim_end_matches('/'), path);
        url.set_path(&joined);
        url
    }

    async fn send(
        &self,
        endpoint: Endpoint,
        mut request: reqwest::RequestBuilder,
        timeout: Option<Duration>,
    ) -> Result<Vec<u8>> {
        if let Some(token) = &self.token {
            request = request.header(self.service.token_header(), &token.0);
        }
        if let Some(timeout) = timeout {
            request = request.timeout(timeout);
        }
        let started = Instant::now();
        let outcome = Self::exchange(endpoint, request).await;
        let label = match &outcome {
            Ok(_) => "ok",
            Err(err) => match err.kind() {
                ErrorKind::Transient => "transient",
                ErrorKind::NotFound => "not_found",
                ErrorKind::Rejected => "rejected",
                ErrorKind::Permanent => "permanent",
            },
        };
        metrics::histogram!(
            "tipforge_chain_request_duration_seconds",
            "service" => self.service.name(),
            "endpoint" => endpoint.route,
            "outcome" => label,
        )
        .record(started.elapsed().as_secs_f64());
        if outcome.as_ref().is_err_and(|err| err.kind() != ErrorKind::NotFound) {
            self.metrics.record_error(self.service);
        }
        outcome
    }

    async fn exchange(endpoint: Endpoint, request: reqwest::RequestBuilder) -> Result<Vec<u8>> {
        let transport = |source: reqwest::Error| {
            if source.is_timeout() {
                ChainError::Timeout { endpoint }
            } else {
                ChainError::Transport { endpoint, source }
            }
        };
        let response = request.send().await.map_err(transport)?;
        let status = response.status();
        let body = response.bytes().await.map_err(transport)?;
        if status.is_success() {
            return Ok(body.to_vec());
        }
        Err(ChainError::Status { endpoint, status, message: error_message(&body) })
    }
}

/// algod and the indexer answer errors as `{"message": …}`; anything else is shown raw, cut
/// short.
fn error_message(body: &[u8]) -> String {
    #[derive(serde::Deserialize)]
    struct Body {
        message: String,
    }
    match serde_json::from_slice::<Body>(body) {
        Ok(parsed) => parsed.message,
        Err(_) => String::from_utf8_lossy(&body[..body.len().min(512)]).into_owned(),
    }
}
