//! The interval block producer task.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use super::Node;

/// Seals a block every `interval` until `shutdown` turns true.
pub async fn run_interval_producer(
    node: Arc<Node>,
    interval: Duration,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticker.tick().await;
    loop {
        tokio::select! {
            _ = ticker.tick() => {
                let node = node.clone();
                // Sealing thousands of transactions is CPU work; keep it off the async workers.
                let sealed = tokio::task::spawn_blocking(move || node.produce()).await;
                if let Err(error) = sealed {
                    tracing::error!(target: "devnet::producer", %error, "producer step failed");
                }
            }
            _ = shutdown.changed() => break,
        }
    }
    tracing::info!(target: "devnet::producer", "producer stopped");
}
