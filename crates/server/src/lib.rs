//! TipForge's server: typed configuration, the SQL store, wallet sign-in, the chain listener
//! and the HTTP API.
//!
//! [`build`] turns a [`Config`] into an [`App`] bound to its address; [`App::run`] serves until
//! a shutdown signal.

pub mod api;
pub mod auth;
pub mod config;
pub mod creators;
pub mod domain;
pub mod listener;
pub mod minter;
pub mod network;
pub mod rate_limit;
pub mod store;
pub mod templates;

mod observability;
mod startup;
mod supervisor;
mod sweeper;

pub use config::Config;
pub use startup::{App, StartupError, build};
pub use supervisor::RunError;
