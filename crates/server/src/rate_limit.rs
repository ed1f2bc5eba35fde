//! Request limits per client IP, with the client found behind trusted reverse proxies.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};
use ipnet::IpNet;

use crate::api::ApiError;
use crate::config::RateLimit;

/// The proxies whose `X-Forwarded-For` header is believed.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Trusts the given addresses and blocks.
    pub fn new(proxies: Vec<IpNet>) -> Self {
        Self(proxies)
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client a request comes from. When the TCP peer is a trusted proxy, the
    /// `X-Forwarded-For` chain is walked from the right (the hops our proxies appended) to the
    /// first address that is not a trusted proxy; anything further left was written by the
    /// client and proves nothing. Otherwise the header is ignored.
    pub fn client_ip(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        let hops = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .map(str::trim)
            .collect::<Vec<_>>();
        let mut client = peer;
        for hop in hops.iter().rev() {
            let Ok(ip) = hop.parse::<IpAddr>() else { break };
            client = ip;
            if !self.trusts(ip) {
                break;
            }
        }
        client
    }
}

/// One limit, kept per client IP.
#[derive(Debug)]
pub struct IpRateLimiter {
    limiter: DefaultKeyedRateLimiter<IpAddr>,
    proxies: TrustedProxies,
}

impl IpRateLimiter {
    /// A limiter allowing `limit` per client, with clients found through `proxies`.
    pub fn new(limit: RateLimit, proxies: TrustedProxies) -> Arc<Self> {
        let burst = NonZeroU32::new(limit.requests).unwrap_or(NonZeroU32::MIN);
        let interval = limit.period() / burst.get();
        let quota = Quota::with_period(interval)
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MAX))
            .allow_burst(burst);
        Arc::new(Self { limiter: DefaultKeyedRateLimiter::keyed(quota), proxies })
    }

    /// Counts a request from `client`, or says how long it must wait.
    pub fn check(&self, client: IpAddr) -> Result<(), Duration> {
        self.limiter
            .check_key(&client)
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }

    /// Forgets clients whose allowance has fully recovered, so memory stays bounded.
    pub fn forget_idle_clients(&self) {
        self.limiter.retain_recent();
        self.limiter.shrink_to_fit();
    }
}

/// Middleware refusing requests over the limit with 429 and `Retry-After`.
pub(crate) async fn enforce(
    State(limiter): State<Arc<IpRateLimiter>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let client = limiter.proxies.client_ip(peer.ip(), request.headers());
    if let Err(retry_after) = limiter.check(client) {
        tracing::info!(target: "api", %client, ?retry_after, "rate limited");
        return Err(ApiError::RateLimited { retry_after });
    }
    Ok(next.run(request).await)
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn forwarded(chain: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", HeaderValue::from_str(chain).unwrap());
        headers
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn the_header_is_ignored_from_untrusted_peers() {
        let proxies = TrustedProxies::new(vec!["10.0.0.0/8".parse().unwrap()]);

        let client = proxies.client_ip(ip("203.0.113.9"), &forwarded("198.51.100.1"));

        assert_eq!(client, ip("203.0.113.9"));
    }

    #[test]
    fn the_first_untrusted_hop_from_the_right_is_the_client() {
        let proxies = TrustedProxies::new(vec!["10.0.0.0/8".parse().unwrap()]);
        let headers = forwarded("1.1.1.1, 198.51.100.1, 10.0.0.2");

        let client = proxies.client_ip(ip("10.0.0.1"), &headers);

        assert_eq!(client, ip("198.51.100.1"));
    }

    #[test]
    fn a_limiter_refuses_the_request_after_the_burst() {
        let limiter =
            IpRateLimiter::new(RateLimit { requests: 2, per_secs: 60 }, TrustedProxies::default());

        assert!(limiter.check(ip("127.0.0.1")).is_ok());
        assert!(limiter.check(ip("127.0.0.1")).is_ok());
        let wait = limiter.check(ip("127.0.0.1")).unwrap_err();

        assert!(wait > Duration::from_secs(25) && wait <= Duration::from_secs(30));
        assert!(limiter.check(ip("127.0.0.2")).is_ok());
    }
}
