//! Integration tests of tipforge-ipfs: the store, the gateway over real HTTP, and the remote
//! pinning clients against local servers that speak the Kubo and Pinata APIs.

#![allow(clippy::unwrap_used, reason = "helpers and fake servers fail the test by panicking")]

mod gateway;
mod kubo;
mod pinata;
mod store;
mod support;
