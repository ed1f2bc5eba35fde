//! `tipforge bench`: the whole reward pipeline measured in one process. Fans' tip groups go to
//! the embedded devnet (interval mode) through its algod REST API at several offered rates; the
//! server's listener ingests them, its rules queue rewards and its minter mints them (and, for
//! editions, delivers them to fans who opted in). For each rate it reports the sustained
//! rewarded tips per second, the tip-to-reward latency in rounds and milliseconds, and the
//! listener's largest lag.
//!
//! Known limitation: `--database` must name an empty database, because the devnet starts
//! afresh on every run and its app ids would collide with an earlier run's rows.

mod observe;
mod report;
mod setup;
mod tips;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use sqlx::AnyPool;
use sqlx::any::AnyPoolOptions;
use tipforge_algo::AssetId;
use tipforge_server::store::Backend;

use observe::Observer;
use report::{RateResult, Settings};
use setup::{GOLDEN_EVERY, Pipeline, Setup};
use tips::Pending;

/// How rewards are issued; every creator gets one sticker template of this supply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Supply {
    /// A new one-of-one asset per reward; done when minted (fans have not opted in).
    Unique,
    /// One shared asset per template; done when delivered to the fan, who opted in at set-up.
    Edition,
}

impl Supply {
    fn as_str(self) -> &'static str {
        match self {
            Self::Unique => "unique",
            Self::Edition => "edition",
        }
    }
}

/// Options of `tipforge bench`.
#[derive(Debug, clap::Args)]
pub(crate) struct BenchArgs {
    /// Offered tip rates to measure, tips per second, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "100,250,500,1000",
          value_parser = clap::value_parser!(u32).range(1..))]
    rates: Vec<u32>,
    /// Seconds of sending at each rate.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    seconds: u64,
    /// Milliseconds between the devnet's blocks.
    #[arg(long, default_value_t = 1_000, value_parser = clap::value_parser!(u64).range(10..))]
    block_interval_ms: u64,
    /// Creators tipped, each with its TipProxy and sticker template.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=1000))]
    creators: u64,
    /// Fans tipping, in turn; enough that no one account's pool share or balance is the limit.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    fans: u64,
    /// The templates' supply model.
    #[arg(long, value_enum, default_value_t = Supply::Unique)]
    supply: Supply,
    /// The server's database: an empty `postgres://…` database, or SQLite in a temporary
    /// directory when not given.
    #[arg(long)]
    database: Option<String>,
    /// Also write the results as JSON to this file.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Seconds to wait after sending stops for the last rewards.
    #[arg(long, default_value_t = 60)]
    drain_seconds: u64,
}

/// Runs the benchmark and prints its table (and writes its JSON).
pub(crate) fn run(args: BenchArgs) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    let (settings, results) = runtime.block_on(measure(&args))?;
    let table = report::table(&settings, &results);
    #[allow(clippy::print_stdout)]
    {
        print!("{table}");
    }
    if let Some(path) = &args.json {
        let json = report::to_json(&settings, &results);
        let text = serde_json::to_string_pretty(&json).context("cannot encode the results")?;
        std::fs::write(path, text + "\n")
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

async fn measure(args: &BenchArgs) -> anyhow::Result<(Settings, Vec<RateResult>)> {
    let database = match args.database.as_deref().map(Backend::of_url).transpose() {
        Ok(Some(Backend::Postgres)) => "postgres",
        Ok(Some(Backend::Sqlite) | None) => "sqlite",
        Err(err) => bail!("--database: {err}"),
    };
    let setup = Setup {
        block_interval: Duration::from_millis(args.block_interval_ms),
        creators: usize::try_from(args.creators)?,
        fans: usize::try_from(args.fans)?,
        supply: args.supply,
        database: args.database.as_deref(),
    };
    let pipeline = Pipeline::start(&setup).await?;
    let pool = AnyPoolOptions::new().max_connections(2).connect(&pipeline.database_url).await?;
    let observer = Observer {
        pool,
        supply: args.supply,
        node: pipeline.devnet.node().clone(),
        listener: pipeline.listener.clone(),
        minter: pipeline.minter.clone(),
    };
    observer.index().await?;
    let drain = Duration::from_secs(args.drain_seconds);
    if args.supply == Supply::Edition {
        warm_up_editions(&pipeline, &observer.pool, drain).await?;
    }
    let mut results = Vec::with_capacity(args.rates.len());
    for (run, &rate) in args.rates.iter().enumerate() {
        results.push(measure_rate(&pipeline, &observer, run, rate, args.seconds, drain).await?);
    }
    observer.drop_index().await?;
    observer.pool.close().await;
    pipeline.stop().await?;
    let settings = Settings {
        block_interval_ms: args.block_interval_ms,
        seconds: args.seconds,
        creators: setup.creators,
        fans: setup.fans,
        supply: args.supply.as_str(),
        database,
    };
    Ok((settings, results))
}

/// Sends `rate` tips per second for `seconds` while watching their rewards complete.
async fn measure_rate(
    pipeline: &Pipeline,
    observer: &Observer,
    run: usize,
    rate: u32,
    seconds: u64,
    drain: Duration,
) -> anyhow::Result<RateResult> {
    let count = usize::try_from(u64::from(rate) * seconds)?;
    let params = pipeline.algod.suggested_params().await?;
    let tips = tips::sign_tips(&pipeline.fans, &pipeline.creators, &params, run, count).await?;
    let pending = Pending::default();
    let before = pipeline.minter.snapshot();
    let sending = AtomicBool::new(true);
    let send = async {
        let sent = tips::send_paced(&pipeline.algod, tips, rate, &pending).await;
        sending.store(false, Ordering::Release);
        sent
    };
    let (sent, observed) = tokio::join!(send, observer.watch(&pending, &sending, drain));
    let observed = observed?;
    let unrewarded = observer.states_of(&pending).await?;
    let after = pipeline.minter.snapshot();
    let failed_mints = after.failed_mints.saturating_sub(before.failed_mints);
    let started = sent.started.unwrap_or_else(Instant::now);
    let busy = observed.last_done.map_or(Duration::ZERO, |done| done - started);
    let rewarded = observed.completions.len();
    let (latency_rounds, latency_ms) = RateResult::latencies(&observed.completions);
    Ok(RateResult {
        offered_per_sec: rate,
        sent: count,
        accepted: sent.accepted,
        refused: sent.refused,
        first_refusal: sent.first_refusal,
        accepted_per_sec: per_sec(sent.accepted, sent.elapsed),
        rewarded,
        rewarded_per_sec: per_sec(rewarded, busy),
        steady_per_sec: RateResult::steady(&observed.completions, started, sent.elapsed),
        latency_rounds,
        latency_ms,
        max_listener_lag_rounds: observed.max_lag_rounds,
        failed_mints,
        most_mints_in_a_block: after.most_mints_in_a_block,
        unrewarded,
    })
}

/// Brings every edition asset into existence with a few tips per creator (the last of them
/// golden), opts every fan in to all of them, and waits until those first rewards are
/// delivered, so that the measured tips find everything in place.
async fn warm_up_editions(
    pipeline: &Pipeline,
    pool: &AnyPool,
    drain: Duration,
) -> anyhow::Result<()> {
    let count = pipeline.creators.len() * usize::try_from(GOLDEN_EVERY)?;
    let params = pipeline.algod.suggested_params().await?;
    let warm_up = tips::sign_tips(&pipeline.fans, &pipeline.creators, &params, usize::MAX, count);
    let pending = Pending::default();
    let sent = tips::send_paced(&pipeline.algod, warm_up.await?, 1_000, &pending).await;
    if let Some(reason) = sent.first_refusal {
        bail!("a warm-up tip was refused: {reason}");
    }
    let assets = 2 * pipeline.creators.len();
    let until = Instant::now() + drain;
    let assets: Vec<AssetId> = loop {
        let rows = sqlx::query_scalar::<_, i64>(
            "SELECT asset_id FROM template_assets WHERE asset_id IS NOT NULL",
        )
        .fetch_all(pool)
        .await?;
        if rows.len() >= assets {
            break rows.into_iter().map(|id| AssetId(id as u64)).collect();
        }
        if Instant::now() >= until {
            bail!("only {} of {assets} edition assets were minted in time", rows.len());
        }
        tokio::time::sleep(observe::POLL).await;
    };
    tips::opt_in_all(&pipeline.algod, &pipeline.fans, &assets).await?;
    loop {
        let open: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM reward_jobs WHERE state <> 'done'")
                .fetch_one(pool)
                .await?;
        let jobs: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM reward_jobs").fetch_one(pool).await?;
        if open == 0 && jobs as usize >= count {
            return Ok(());
        }
        if Instant::now() >= until {
            bail!("{open} warm-up rewards were not delivered in time");
        }
        tokio::time::sleep(observe::POLL).await;
    }
}

fn per_sec(count: usize, elapsed: Duration) -> f64 {
    match elapsed.as_secs_f64() {
        secs if secs > 0.0 => count as f64 / secs,
        _ => 0.0,
    }
}
