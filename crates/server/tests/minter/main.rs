//! The minter against a real (embedded) Algorand dev network, with real signatures, on SQLite
//! and PostgreSQL.

#![allow(clippy::unwrap_used, reason = "a failed step fails the test by panicking")]

mod admin;
mod memberships;
mod pipeline;
mod safety;
mod support;
