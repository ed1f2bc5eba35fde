//! Starting on a free port and shutting down on a signal.

use std::time::Duration;

use reqwest::StatusCode;
use tempfile::TempDir;
use tipforge_server::{Config, build};

#[tokio::test]
async fn the_server_stops_on_its_shutdown_signal_and_reports_a_clean_exit() {
    let data_dir = TempDir::new().unwrap();
    let config = Config { data_dir: data_dir.path().to_owned(), ..Config::test() };
    let app = build(config).await.unwrap();
    let url = format!("http://{}/health", app.address());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(app.run_until(async move {
        let _ = stopped.await;
    }));
    let mut status = StatusCode::SERVICE_UNAVAILABLE;
    for _ in 0..100 {
        status = reqwest::get(&url).await.unwrap().status();
        if status == StatusCode::OK {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(status, StatusCode::OK);

    stop.send(()).unwrap();
    let exit = tokio::time::timeout(Duration::from_secs(5), running).await;

    assert!(exit.expect("shut down within the grace period").unwrap().is_ok());
    assert!(reqwest::get(&url).await.is_err(), "still serving after shutdown");
}

#[tokio::test]
async fn the_default_database_is_sqlite_in_the_data_directory() {
    let data_dir = TempDir::new().unwrap();
    let config = Config { data_dir: data_dir.path().join("nested"), ..Config::test() };

    let app = build(config).await.unwrap();

    assert_eq!(app.store().backend(), tipforge_server::store::Backend::Sqlite);
    assert!(data_dir.path().join("nested/tipforge.db").exists());
}

#[tokio::test]
async fn a_production_config_with_dev_settings_does_not_start() {
    let config = Config { mode: tipforge_server::config::Mode::Production, ..Config::test() };

    let result = build(config).await;

    assert!(matches!(result, Err(tipforge_server::StartupError::Config(_))));
}
