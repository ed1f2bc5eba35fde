//! Integration tests: a real devnet on free ports, driven over its REST APIs.

mod apps;
mod assets;
mod blocks;
mod faults;
mod groups;
mod helpers;
mod indexer;
mod modes;
mod payments;
mod persistence;
