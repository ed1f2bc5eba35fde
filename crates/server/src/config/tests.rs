//! Layering and validation, with files and variables confined to a figment jail.

#![allow(clippy::result_large_err, reason = "figment's jail closures return its error type")]

use figment::Jail;

use super::*;

const SECRET: &str = "a-production-secret-of-at-least-32-bytes";

fn load() -> Result<Config, ConfigError> {
    Config::load(None)
}

#[test]
fn with_nothing_configured_the_defaults_apply() {
    Jail::expect_with(|_| {
        let config = load().unwrap();

        assert_eq!(config.mode, Mode::Dev);
        assert_eq!(config.bind, SocketAddr::from(([127, 0, 0, 1], 8080)));
        assert_eq!(config.database_url().expose(), "sqlite://./data/tipforge.db?mode=rwc");
        assert_eq!(config.auth.challenge_ttl(), Duration::from_secs(300));
        Ok(())
    });
}

#[test]
fn the_environment_overrides_the_file_which_overrides_the_defaults() {
    Jail::expect_with(|jail| {
        jail.create_file(
            CONFIG_FILE,
            "bind = \"0.0.0.0:0\"\n[auth]\njwt_issuer = \"file\"\ntoken_ttl_secs = 60\n",
        )?;
        jail.set_env("TIPFORGE_AUTH__JWT_ISSUER", "env");
        jail.set_env("TIPFORGE_HTTP__TRUSTED_PROXIES", "[\"10.0.0.0/8\", \"192.0.2.1/32\"]");
        jail.set_env("TIPFORGE_DATABASE_URL", "postgres://tipforge@db/tipforge");

        let config = load().unwrap();

        assert_eq!(config.bind.port(), 0);
        assert_eq!(config.auth.jwt_issuer, "env");
        assert_eq!(config.auth.token_ttl_secs, 60);
        assert_eq!(config.http.trusted_proxies.len(), 2);
        assert_eq!(config.database_url().expose(), "postgres://tipforge@db/tipforge");
        Ok(())
    });
}

#[test]
fn misspelt_settings_are_errors_in_the_file_and_the_environment() {
    Jail::expect_with(|jail| {
        jail.create_file(CONFIG_FILE, "[auth]\njwt_secrt = \"x\"\n")?;
        assert!(matches!(load(), Err(ConfigError::Load(_))));

        jail.create_file(CONFIG_FILE, "")?;
        jail.set_env("TIPFORGE_RATE_LIMIT__AUTH__REQUESTS", "3");
        assert!(matches!(load(), Err(ConfigError::Load(_))));
        Ok(())
    });
}

#[test]
fn production_refuses_every_dev_only_setting_at_once() {
    Jail::expect_with(|jail| {
        jail.set_env("TIPFORGE_MODE", "production");
        jail.set_env("TIPFORGE_HTTP__CORS_ORIGINS", "[\"*\"]");
        jail.set_env("TIPFORGE_CHAIN__DEMO_ACCOUNTS", "true");

        let Err(ConfigError::DevOnlyInProduction(refused)) = load() else {
            panic!("production started with dev-only settings");
        };

        assert_eq!(refused.len(), 5, "{refused:?}");
        for needle in ["devnet", "platform account", "demo accounts", "JWT secret", "CORS"] {
            assert!(refused.iter().any(|reason| reason.contains(needle)), "{needle} missing");
        }
        Ok(())
    });
}

#[test]
fn production_starts_with_real_settings_and_refuses_a_short_secret() {
    Jail::expect_with(|jail| {
        jail.create_file(
            CONFIG_FILE,
            &format!(
                "mode = \"production\"\n[auth]\njwt_secret = \"{SECRET}\"\n[http]\n\
                 cors_origins = [\"https://tipforge.example\"]\n[chain]\n\
                 algod_url = \"https://algod.example\"\nplatform_mnemonic = \"words\"\n"
            ),
        )?;
        assert_eq!(load().unwrap().mode, Mode::Production);

        jail.set_env("TIPFORGE_AUTH__JWT_SECRET", "short");
        assert!(matches!(load(), Err(ConfigError::DevOnlyInProduction(_))));
        Ok(())
    });
}

#[test]
fn values_that_cannot_work_are_refused_in_any_mode() {
    Jail::expect_with(|jail| {
        jail.set_env("TIPFORGE_RATE_LIMITS__AUTH_REQUESTS", "0");
        assert!(matches!(load(), Err(ConfigError::Invalid { setting: "rate_limits.auth_*", .. })));

        jail.set_env("TIPFORGE_RATE_LIMITS__AUTH_REQUESTS", "5");
        jail.set_env("TIPFORGE_HTTP__CORS_ORIGINS", "[\"tipforge.example\"]");
        assert!(matches!(load(), Err(ConfigError::Invalid { setting: "http.cors_origins", .. })));
        Ok(())
    });
}

#[test]
fn printing_a_config_never_prints_its_secrets() {
    let mut config = Config::test();
    config.chain.platform_mnemonic = Some(Secret::new("abandon abandon about"));
    config.database_url = Some(Secret::new("postgres://user:hunter2@db/tipforge"));

    let printed = format!("{config:?}");

    assert!(!printed.contains("hunter2"));
    assert!(!printed.contains("abandon"));
    assert!(!printed.contains("test-secret"));
}

#[test]
fn the_test_preset_is_valid_and_binds_a_free_port() {
    let config = Config::test();

    assert!(config.validate().is_ok());
    assert_eq!(config.bind.port(), 0);
}

#[test]
fn ipfs_pinning_is_read_from_file_and_environment() {
    Jail::expect_with(|jail| {
        jail.create_file(
            "tipforge.toml",
            "[ipfs]\npinning = \"pinata\"\npinata_jwt = \"pinata-secret\"\n",
        )?;
        jail.set_env("TIPFORGE_IPFS__PINATA_URL", "http://127.0.0.1:9/");

        let config = load().expect("a valid configuration");

        assert_eq!(config.ipfs.pinning, PinningBackend::Pinata);
        assert_eq!(config.ipfs.pinata_url.as_deref(), Some("http://127.0.0.1:9/"));
        assert!(!format!("{config:?}").contains("pinata-secret"));
        assert_eq!(config.ipfs.store_dir(Path::new("data")), Path::new("data").join("ipfs"));
        Ok(())
    });
}

#[test]
fn a_remote_pinning_backend_needs_its_settings() {
    Jail::expect_with(|jail| {
        jail.set_env("TIPFORGE_IPFS__PINNING", "kubo");
        assert!(matches!(load(), Err(ConfigError::Invalid { setting: "ipfs.kubo_url", .. })));

        jail.set_env("TIPFORGE_IPFS__PINNING", "pinata");
        assert!(matches!(load(), Err(ConfigError::Invalid { setting: "ipfs.pinata_jwt", .. })));
        Ok(())
    });
}
