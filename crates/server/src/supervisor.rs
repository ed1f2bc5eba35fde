//! Long-lived tasks spawned by name. When one ends while the server is not shutting down, the
//! supervisor logs which and why and shuts everything down: the server never runs half alive.

use std::error::Error;
use std::future::Future;
use std::time::Duration;

use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

/// Why the server stopped other than by a shutdown signal.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// A task failed.
    #[error("task {task} failed")]
    TaskFailed {
        /// The task's name.
        task: &'static str,
        /// Its error.
        #[source]
        source: std::io::Error,
    },
    /// A task returned although nobody asked it to stop.
    #[error("task {task} ended unexpectedly")]
    TaskEnded {
        /// The task's name.
        task: &'static str,
    },
    /// A task panicked.
    #[error("a task panicked: {reason}")]
    TaskPanicked {
        /// The panic, as the runtime reports it.
        reason: String,
    },
}

type Outcome = (&'static str, std::io::Result<()>);

/// The named tasks of one server and the shutdown signal they all watch.
#[derive(Debug)]
pub(crate) struct Supervisor {
    tasks: JoinSet<Outcome>,
    shutdown: CancellationToken,
}

impl Supervisor {
    pub(crate) fn new(shutdown: CancellationToken) -> Self {
        Self { tasks: JoinSet::new(), shutdown }
    }

    /// Runs `task` under `name`. The task must return once the shutdown token is cancelled.
    pub(crate) fn spawn<F>(&mut self, name: &'static str, task: F)
    where
        F: Future<Output = std::io::Result<()>> + Send + 'static,
    {
        tracing::info!(target: "server", task = name, "task started");
        self.tasks.spawn(async move { (name, task.await) });
    }

    /// Waits until any task ends, then shuts the rest down, giving them `grace` to finish.
    pub(crate) async fn wait(mut self, grace: Duration) -> Result<(), RunError> {
        let result = match self.tasks.join_next().await {
            None => Ok(()),
            Some(Ok((task, Ok(())))) if self.shutdown.is_cancelled() => {
                tracing::info!(target: "server", task, "task stopped");
                Ok(())
            }
            Some(Ok((task, Ok(())))) => Err(RunError::TaskEnded { task }),
            Some(Ok((task, Err(source)))) => Err(RunError::TaskFailed { task, source }),
            Some(Err(join_error)) => Err(RunError::TaskPanicked { reason: join_error.to_string() }),
        };
        if let Err(err) = &result {
            tracing::error!(target: "server", error = err as &dyn Error, "shutting down");
        }
        self.shutdown.cancel();
        self.drain(grace).await;
        result
    }

    async fn drain(&mut self, grace: Duration) {
        let drained = tokio::time::timeout(grace, async {
            while let Some(outcome) = self.tasks.join_next().await {
                if let Ok((task, _)) = outcome {
                    tracing::info!(target: "server", task, "task stopped");
                }
            }
        })
        .await;
        if drained.is_err() {
            tracing::warn!(target: "server", ?grace, "shutdown deadline passed; aborting tasks");
            self.tasks.abort_all();
        }
    }
}
