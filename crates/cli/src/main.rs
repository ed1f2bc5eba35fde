//! The `tipforge` command.

mod bench;
mod devnet;

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Parser, Subcommand};
use tipforge_server::Config;
use tracing_subscriber::EnvFilter;

/// The server allocates and frees many short-lived buffers on every worker thread (HTTP bodies,
/// msgpack values, SQL rows); mimalloc's per-thread heaps keep that off the critical path where
/// the system allocator spent a sixth of the pipeline's CPU time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// TipForge: creator tipping on Algorand, with NFT stickers for every qualifying tip.
#[derive(Debug, Parser)]
#[command(name = "tipforge", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the TipForge server until SIGINT or SIGTERM.
    Serve {
        /// The configuration file; by default `tipforge.toml` in the working directory, if it
        /// exists. `TIPFORGE_*` environment variables override it.
        #[arg(long, short)]
        config: Option<PathBuf>,
    },
    /// Run the embedded Algorand dev network (algod and indexer APIs), a LocalNet stand-in.
    Devnet(devnet::DevnetArgs),
    /// Measure the reward pipeline (tips on chain to rewards minted or delivered) against the
    /// embedded devnet at several tip rates; prints a table, optionally writes JSON.
    Bench(bench::BenchArgs),
    /// Print the version and exit.
    Version,
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Serve { config }) => serve(config.as_deref()),
        Some(Command::Devnet(args)) => devnet::run(args),
        Some(Command::Bench(args)) => {
            install_tracing("warn");
            bench::run(args)
        }
        Some(Command::Version) => {
            #[allow(clippy::print_stdout)]
            {
                println!("tipforge {}", env!("CARGO_PKG_VERSION"));
            }
            Ok(())
        }
        None => {
            use clap::CommandFactory;
            // Printing help can only fail if stdout is closed, in which case there is no one to
            // tell.
            let _ = Cli::command().print_help();
            Ok(())
        }
    }
}

/// Reads the configuration, installs logging, builds the server and waits for it to stop.
fn serve(config_file: Option<&Path>) -> anyhow::Result<()> {
    install_tracing("info");
    let config = Config::load(config_file).context("cannot load the configuration")?;
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(async {
        let app = tipforge_server::build(config).await.context("cannot start the server")?;
        print_urls(&app);
        app.run().await.context("the server stopped with an error")
    })
}

/// Tells the operator where everything is: the API, the chain it follows and the platform
/// account (the embedded devnet's URLs when none is configured).
fn print_urls(app: &tipforge_server::App) {
    #[allow(clippy::print_stdout)]
    {
        println!("TipForge API      http://{}", app.address());
        println!("API docs          http://{}/docs", app.address());
        println!("IPFS gateway      {}", app.gateway_url());
        println!("algod             {}", app.algod_url());
        match app.indexer_url() {
            Some(url) => println!("indexer           {url}"),
            None => println!("indexer           (none configured)"),
        }
        println!("platform account  {}", app.platform_address());
    }
}

/// Logs to stderr, filtered by `RUST_LOG` (default: `default`).
fn install_tracing(default: &str) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
}
