//! `tipforge bench` as a user runs it: the real binary at tiny settings, its table on stdout
//! and its JSON file checked for what the figures promise.

#![allow(clippy::unwrap_used)]

use std::process::Command;

use serde_json::Value;
use tempfile::TempDir;

/// Runs the bench at two small rates with `supply`; returns its stdout and JSON.
fn bench(supply: &str) -> (String, Value) {
    let dir = TempDir::new().unwrap();
    let json = dir.path().join("bench.json");
    let output = Command::new(env!("CARGO_BIN_EXE_tipforge"))
        .args(["bench", "--rates", "20,40", "--seconds", "2", "--block-interval-ms", "200"])
        .args(["--creators", "2", "--fans", "10", "--drain-seconds", "60"])
        .args(["--supply", supply])
        .arg("--json")
        .arg(&json)
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "tipforge bench failed:\n{stdout}\n{stderr}");
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    (stdout, report)
}

/// What every rate's entry must show: all tips accepted and rewarded, latencies that make
/// sense, a positive rate.
fn check(report: &Value, supply: &str) {
    assert_eq!(report["settings"]["supply"], supply);
    assert_eq!(report["settings"]["blockIntervalMs"], 200);
    let results = report["results"].as_array().unwrap();
    let offered: Vec<u64> = results.iter().map(|r| r["offeredPerSec"].as_u64().unwrap()).collect();
    assert_eq!(offered, [20, 40], "one entry per rate, in order");
    for result in results {
        let count = |field: &str| result[field].as_u64().unwrap();
        assert_eq!(count("sent"), count("offeredPerSec") * 2, "{result}");
        assert_eq!(count("accepted"), count("sent"), "every tip accepted: {result}");
        assert_eq!(count("rewarded"), count("accepted"), "every tip rewarded: {result}");
        assert!(result["rewardedPerSec"].as_f64().unwrap() > 0.0, "{result}");
        for unit in ["latencyRounds", "latencyMs"] {
            let p50 = result[unit]["p50"].as_u64().unwrap();
            let p99 = result[unit]["p99"].as_u64().unwrap();
            assert!(p50 <= p99, "{unit}: {result}");
        }
        assert!(result["latencyRounds"]["p50"].as_u64().unwrap() >= 1, "{result}");
        assert!(result["latencyMs"]["p50"].as_u64().unwrap() > 0, "{result}");
    }
}

#[test]
fn bench_rewards_every_unique_tip_and_reports_each_rate() {
    let (stdout, report) = bench("unique");
    check(&report, "unique");
    assert!(stdout.contains("offered/s"), "no table header:\n{stdout}");
    let rows: Vec<&str> = stdout.lines().filter(|l| l.trim_start().starts_with("20 ")).collect();
    assert_eq!(rows.len(), 1, "one table row for 20 tips/s:\n{stdout}");
    assert!(stdout.lines().any(|l| l.trim_start().starts_with("40 ")), "{stdout}");
}

#[test]
fn bench_delivers_every_edition_tip_to_opted_in_fans() {
    let (stdout, report) = bench("edition");
    check(&report, "edition");
    assert!(stdout.contains("edition rewards"), "{stdout}");
}
