//! The server's integration tests: the real server on a free port with a fresh database,
//! driven over HTTP, and the store against both SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, reason = "a failed step fails the test by panicking")]

mod auth;
mod conventions;
mod creators;
mod docs;
mod fans;
mod helpers;
mod leaderboards;
mod lifecycle;
mod rate_limits;
mod rewards;
mod store;
mod templates;
mod tips;
mod transactions;
