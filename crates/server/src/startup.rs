//! Building the server from its configuration and running it until shutdown.

use std::error::Error;
use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use tipforge_algo::Address;
use tipforge_devnet::DevnetHandle;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::api::{self, AppState, RateLimiters};
use crate::auth::Auth;
use crate::config::{Config, ConfigError};
use crate::creators::Creators;
use crate::domain::Clock;
use crate::listener::{Listener, ListenerMetrics};
use crate::minter::{Minter, MinterMetrics};
use crate::network::{Network, NetworkError};
use crate::observability;
use crate::rate_limit::{IpRateLimiter, TrustedProxies};
use crate::store::{Backend, Store, StoreError};
use crate::supervisor::{RunError, Supervisor};
use crate::sweeper::Sweeper;
use crate::templates::{self, TemplateService};

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// The configuration is unusable.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The data directory could not be created.
    #[error("cannot create the data directory {path}")]
    DataDir {
        /// The directory.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The database could not be opened or migrated.
    #[error("cannot open the database")]
    Store(#[from] StoreError),
    /// The chain could not be reached, or the platform account set up.
    #[error("cannot set up the Algorand network")]
    Network(#[from] NetworkError),
    /// The IPFS store could not be opened or the pinning backend set up.
    #[error("cannot open the IPFS store")]
    Ipfs(#[from] tipforge_ipfs::IpfsError),
    /// The listen address could not be bound.
    #[error("cannot listen on {address}")]
    Bind {
        /// The address.
        address: SocketAddr,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// A built server, bound to its address and ready to run.
#[derive(Debug)]
pub struct App {
    address: SocketAddr,
    listener: TcpListener,
    router: Router,
    store: Store,
    clock: Clock,
    limiters: RateLimiters,
    chain: Chain,
    shutdown: CancellationToken,
    grace: Duration,
}

/// The chain side of an [`App`]: where it points, the listener and the embedded devnet.
#[derive(Debug)]
struct Chain {
    algod_url: String,
    indexer_url: Option<String>,
    platform: Address,
    listener: Listener,
    listener_metrics: Arc<ListenerMetrics>,
    minter: Minter,
    devnet: Option<DevnetHandle>,
}

/// Validates `config`, opens and migrates the database, connects to the chain (starting the
/// embedded devnet when no algod URL is set), readies the platform account and the listener,
/// and binds the listen address (port 0 picks a free one; [`App::address`] tells which).
pub async fn build(config: Config) -> Result<App, StartupError> {
    config.validate()?;
    std::fs::create_dir_all(&config.data_dir)
        .map_err(|source| StartupError::DataDir { path: config.data_dir.clone(), source })?;
    let store = Store::open(config.database_url().expose()).await?;
    let clock = Clock::default();
    if store.backend() == Backend::Sqlite {
        // A SQLite database is one instance's: a lease or job claim found at start-up belongs
        // to a process that died holding it, and is taken over at once rather than after it
        // runs out.
        let leases = store.release_all_leases().await?;
        let claims = store.release_claims(clock.now()).await?;
        if leases + claims > 0 {
            tracing::info!(leases, claims, "took over what a stopped process held");
        }
    }
    let (ipfs, remote_pinning) = templates::backend::open(&config.ipfs, &config.data_dir).await?;
    let templates =
        TemplateService::new(store.clone(), ipfs.clone(), remote_pinning, clock.clone());
    let auth = Arc::new(Auth::new(store.clone(), &config.auth, clock.clone()));
    let proxies = TrustedProxies::new(config.http.trusted_proxies.clone());
    let limiters = RateLimiters {
        auth: IpRateLimiter::new(config.rate_limits.auth(), proxies.clone()),
        registration: IpRateLimiter::new(config.rate_limits.registration(), proxies.clone()),
        transactions: IpRateLimiter::new(config.rate_limits.transactions(), proxies),
    };
    // Bound before the devnet starts, so a taken port leaves nothing running.
    let http = TcpListener::bind(config.bind)
        .await
        .map_err(|source| StartupError::Bind { address: config.bind, source })?;
    let address =
        http.local_addr().map_err(|source| StartupError::Bind { address: config.bind, source })?;
    // Installed first, so every metric the chain clients and the listener register is kept.
    let prometheus = observability::prometheus();
    let network = Network::connect(&config.chain, &config.data_dir).await?;
    let platform = Arc::new(network.platform.clone());
    // The listener wakes the minter when a batch queues rewards or an opt-in releases one.
    let minter_wake = Arc::new(Notify::new());
    let listener = Listener::new(
        network.algod.clone(),
        network.indexer.clone(),
        store.clone(),
        clock.clone(),
        config.listener.listener_config(),
    )
    .with_rewards_notify(minter_wake.clone());
    let minter = Minter::new(
        network.algod.clone(),
        network.indexer.clone(),
        store.clone(),
        clock.clone(),
        platform.clone(),
        config.minter.minter_config(),
        minter_wake.clone(),
    );
    let state = AppState {
        store: store.clone(),
        auth,
        clock: clock.clone(),
        algod: network.algod_probe.clone(),
        node: network.algod.clone(),
        indexer: network.indexer.clone(),
        creators: Creators::new(
            store.clone(),
            network.algod.clone(),
            platform.clone(),
            clock.clone(),
        ),
        platform,
        admins: Arc::new(
            config.auth.admin_wallets.iter().filter_map(|wallet| wallet.parse().ok()).collect(),
        ),
        listener: listener.metrics().clone(),
        chain: network.metrics.clone(),
        prometheus,
        ipfs,
        templates,
        params: api::SuggestedParamsCache::new(network.algod.clone()),
        minter: minter.metrics().clone(),
        minter_wake,
    };
    let chain = Chain {
        algod_url: network.algod_url,
        indexer_url: network.indexer_url,
        platform: network.platform.address(),
        listener_metrics: listener.metrics().clone(),
        listener,
        minter,
        devnet: network.devnet,
    };
    let router = api::router(state, &limiters, &config.http.cors_origins);
    tracing::info!(target: "server", %address, "listening");
    Ok(App {
        address,
        listener: http,
        router,
        store,
        clock,
        limiters,
        chain,
        shutdown: CancellationToken::new(),
        grace: Duration::from_secs(config.http.shutdown_grace_secs),
    })
}

impl App {
    /// The address the API listens on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The database, for tools and tests that work beside the API.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The server's clock; advancing it moves every expiry the server checks.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// The IPFS gateway's base URL: content is at `<this>/<cid>`.
    pub fn gateway_url(&self) -> String {
        format!("http://{}/ipfs", self.address)
    }

    /// algod's URL (the embedded devnet's when none is configured).
    pub fn algod_url(&self) -> &str {
        &self.chain.algod_url
    }

    /// The indexer's URL, when there is one.
    pub fn indexer_url(&self) -> Option<&str> {
        self.chain.indexer_url.as_deref()
    }

    /// The platform account's address.
    pub fn platform_address(&self) -> Address {
        self.chain.platform
    }

    /// The listener's live figures.
    pub fn listener_metrics(&self) -> &Arc<ListenerMetrics> {
        &self.chain.listener_metrics
    }

    /// The minter's live figures.
    pub fn minter_metrics(&self) -> &Arc<MinterMetrics> {
        self.chain.minter.metrics()
    }

    /// The embedded devnet, when the server started one.
    pub fn devnet(&self) -> Option<&DevnetHandle> {
        self.chain.devnet.as_ref()
    }

    /// A token that, when cancelled, shuts the server down gracefully.
    pub fn shutdown_token(&self) -> CancellationToken {
        self.shutdown.clone()
    }

    /// Runs until SIGINT or SIGTERM, then shuts down gracefully.
    pub async fn run(self) -> Result<(), RunError> {
        self.run_until(shutdown_signal()).await
    }

    /// Runs until `signal` completes (or the shutdown token is cancelled), then stops taking
    /// requests, lets those in flight finish within the grace period, and returns.
    pub async fn run_until<F>(self, signal: F) -> Result<(), RunError>
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let shutdown = self.shutdown.clone();
        tokio::spawn(async move {
            tokio::select! {
                () = signal => tracing::info!(target: "server", "shutdown requested"),
                () = shutdown.cancelled() => {}
            }
            shutdown.cancel();
        });
        let sweeper = Sweeper {
            store: self.store.clone(),
            clock: self.clock.clone(),
            limiters: vec![
                self.limiters.auth.clone(),
                self.limiters.registration.clone(),
                self.limiters.transactions.clone(),
            ],
        };
        let mut supervisor = Supervisor::new(self.shutdown.clone());
        supervisor.spawn("http", serve(self.listener, self.router, self.shutdown.clone()));
        supervisor.spawn("sweeper", sweeper.run(self.shutdown.clone()));
        let listener_stopped = CancellationToken::new();
        let listener = self.chain.listener;
        let (stopped, shutdown) = (listener_stopped.clone(), self.shutdown.clone());
        supervisor.spawn("listener", async move {
            // Dropped however the listener ends, a panic included.
            let _stopped = stopped.drop_guard();
            listener.run(shutdown).await
        });
        let minter_stopped = CancellationToken::new();
        let minter = self.chain.minter;
        let (stopped, shutdown) = (minter_stopped.clone(), self.shutdown.clone());
        supervisor.spawn("minter", async move {
            let _stopped = stopped.drop_guard();
            minter.run(shutdown).await
        });
        if let Some(devnet) = self.chain.devnet {
            supervisor.spawn("devnet", run_devnet(devnet, [listener_stopped, minter_stopped]));
        }
        let result = supervisor.wait(self.grace).await;
        self.store.close().await;
        tracing::info!(target: "server", "stopped");
        result
    }
}

/// Watches the embedded devnet's own tasks (algod, indexer, block producer) and stops it once
/// its users (listener and minter) have stopped, so their last cycles can still reach it.
async fn run_devnet(
    mut devnet: DevnetHandle,
    users_stopped: [CancellationToken; 2],
) -> std::io::Result<()> {
    let all_stopped = async {
        for stopped in &users_stopped {
            stopped.cancelled().await;
        }
    };
    let ended = tokio::select! {
        task = devnet.wait() => Some(task),
        () = all_stopped => None,
    };
    match ended {
        // The handle is dropped, not shut down: that would wait on the ended task again. The
        // dropped handle still stops the devnet's servers, whose stop signal it owned.
        Some(task) => Err(std::io::Error::other(format!("devnet task {task} ended"))),
        None => {
            devnet.shutdown().await;
            Ok(())
        }
    }
}

async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: CancellationToken,
) -> std::io::Result<()> {
    let service = router.into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, service).with_graceful_shutdown(shutdown.cancelled_owned()).await
}

/// Completes on Ctrl-C or, on Unix, SIGTERM.
async fn shutdown_signal() {
    let interrupt = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            cannot_watch("SIGINT", &err);
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                terminate.recv().await;
            }
            Err(err) => {
                cannot_watch("SIGTERM", &err);
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}

/// Logs that a shutdown signal cannot be watched; the server then runs until the other one.
fn cannot_watch(signal: &'static str, err: &std::io::Error) {
    tracing::error!(target: "server", signal, error = err as &dyn Error, "cannot watch signal");
}
