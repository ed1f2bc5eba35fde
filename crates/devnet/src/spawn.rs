//! Starting a devnet: genesis, optional block log, producer and both APIs, behind a handle.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::api::{Faults, algod_router, indexer_router};
use crate::config::{Config, MiningMode};
use crate::genesis::{FundedAccount, Genesis};
use crate::node::{BlockLog, Chain, Node, StoreError, run_interval_producer, unix_now};

/// Why the devnet could not start.
#[derive(Debug, thiserror::Error)]
pub enum DevnetError {
    /// A listener could not bind.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The cause.
        source: std::io::Error,
    },
    /// The data directory could not be used.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A running devnet. Dropping it does not stop it; call [`DevnetHandle::shutdown`].
#[derive(Debug)]
pub struct DevnetHandle {
    algod_addr: SocketAddr,
    indexer_addr: SocketAddr,
    node: Arc<Node>,
    faults: Arc<Faults>,
    token: Option<String>,
    shutdown: watch::Sender<bool>,
    tasks: Vec<(&'static str, JoinHandle<()>)>,
}

impl DevnetHandle {
    /// algod's base URL, e.g. `http://127.0.0.1:4001`.
    pub fn algod_url(&self) -> String {
        format!("http://{}", self.algod_addr)
    }

    /// indexer's base URL.
    pub fn indexer_url(&self) -> String {
        format!("http://{}", self.indexer_addr)
    }

    /// The API token clients must send, if any.
    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    /// The node, for in-process use (submitting, reading the chain, pausing the producer).
    pub fn node(&self) -> &Arc<Node> {
        &self.node
    }

    /// The live fault-injection settings.
    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    /// The funded genesis accounts with their keys.
    pub fn accounts(&self) -> Vec<FundedAccount> {
        self.node.chain().genesis().accounts.clone()
    }

    /// Resolves when any of the devnet's tasks ends, naming it.
    pub async fn wait(&mut self) -> &'static str {
        let polls = self.tasks.iter_mut().map(|(name, task)| {
            let name = *name;
            Box::pin(async move {
                let _ = task.await;
                name
            })
        });
        let (name, _, _) = futures_select_all(polls.collect()).await;
        name
    }

    /// Stops the producer and both servers, waiting for them.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        for (name, task) in self.tasks {
            if let Err(error) = task.await {
                tracing::warn!(target: "devnet", task = name, %error, "task ended badly");
            }
        }
        self.node.write_snapshot();
    }
}

/// Polls several futures until the first completes.
async fn futures_select_all<F: std::future::Future + Unpin>(
    mut futures: Vec<F>,
) -> (F::Output, usize, Vec<F>) {
    std::future::poll_fn(move |cx| {
        for (index, future) in futures.iter_mut().enumerate() {
            if let std::task::Poll::Ready(output) = std::pin::Pin::new(future).poll(cx) {
                return std::task::Poll::Ready((output, index, Vec::new()));
            }
        }
        std::task::Poll::Pending
    })
    .await
}

async fn bind(addr: SocketAddr) -> Result<TcpListener, DevnetError> {
    TcpListener::bind(addr).await.map_err(|source| DevnetError::Bind { addr, source })
}

/// Starts a devnet as `config` describes.
pub async fn spawn(config: Config) -> Result<DevnetHandle, DevnetError> {
    let genesis = Genesis::new(&config.genesis);
    let mut chain = Chain::new(genesis, config.min_fee, unix_now());
    chain.set_pool_limit(config.pool_size);
    let log = match &config.data_dir {
        Some(dir) => Some(BlockLog::open(dir, &mut chain)?),
        None => None,
    };
    let node = Arc::new(Node::new(chain, config.mode, log));
    let faults = Arc::new(Faults::new(config.faults));
    let algod = bind(config.algod_addr).await?;
    let indexer = bind(config.indexer_addr).await?;
    let (algod_addr, indexer_addr) =
        (local(&algod, config.algod_addr), local(&indexer, config.indexer_addr));
    let (shutdown, _) = watch::channel(false);

    let algod_app = algod_router(node.clone(), faults.clone(), config.token.clone());
    let indexer_app = indexer_router(node.clone(), faults.clone(), config.token.clone());
    let mut tasks = vec![
        ("algod", tokio::spawn(serve(algod, algod_app, shutdown.subscribe()))),
        ("indexer", tokio::spawn(serve(indexer, indexer_app, shutdown.subscribe()))),
    ];
    if let MiningMode::Interval(every) = config.mode {
        let producer = run_interval_producer(node.clone(), every, shutdown.subscribe());
        tasks.push(("producer", tokio::spawn(producer)));
    }
    tracing::info!(target: "devnet", %algod_addr, %indexer_addr, mode = ?config.mode, "devnet started");
    Ok(DevnetHandle {
        algod_addr,
        indexer_addr,
        node,
        faults,
        token: config.token,
        shutdown,
        tasks,
    })
}

fn local(listener: &TcpListener, fallback: SocketAddr) -> SocketAddr {
    listener.local_addr().unwrap_or(fallback)
}

async fn serve(listener: TcpListener, app: axum::Router, mut shutdown: watch::Receiver<bool>) {
    let stop = async move {
        let _ = shutdown.wait_for(|stop| *stop).await;
    };
    if let Err(error) = axum::serve(listener, app).with_graceful_shutdown(stop).await {
        tracing::error!(target: "devnet::api", %error, "server failed");
    }
}
