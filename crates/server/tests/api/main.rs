//! The server's integration tests: the real server on a free port with a fresh database,
//! driven over HTTP, and the store against both SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, reason = "a failed step fails the test by panicking")]

/// Runs each named `async fn(TestDb)` twice: on a fresh SQLite database and on a fresh
/// PostgreSQL one. Defined before the modules so that every one of them can use it.
macro_rules! on_both_databases {
    ($($test:ident),* $(,)?) => {
        $(
            mod $test {
                #[tokio::test]
                async fn sqlite() {
                    super::$test(crate::helpers::TestDb::sqlite().await).await;
                }

                #[tokio::test]
                async fn postgres() {
                    super::$test(crate::helpers::TestDb::postgres().await).await;
                }
            }
        )*
    };
}

mod auth;
mod conventions;
mod creators;
mod docs;
mod fans;
mod helpers;
mod ingest_rewards;
mod leaderboards;
mod lifecycle;
mod rate_limits;
mod rewards;
mod store;
mod templates;
mod tips;
mod transactions;
