//! Expired memberships are revoked on chain by clawback; a renewal keeps one alive.

use std::time::Duration;

use sqlx::{AnyConnection, Connection, Executor};
use tipforge_server::domain::{
    ErrorClass, JobKey, JobState, Supply, Template, TemplateKind, Timestamp, Variant,
};
use tipforge_server::store::{EXPIRED_UNDELIVERED, RetryOutcome};

use crate::support::{Db, Net, sticker_template};

const DAY: Duration = Duration::from_secs(24 * 60 * 60);

async fn insert_membership(net: &Net, tip: &str, fan: &str, starts: Timestamp, expires: Timestamp) {
    let mut db = AnyConnection::connect(net.db_url()).await.unwrap();
    let sql = format!(
        "INSERT INTO memberships (tip_txid, fan, creator, starts_at, expires_at) \
         VALUES ('{tip}', '{fan}', '{}', {}, {})",
        net.creator, starts.0, expires.0
    );
    db.execute(sql.as_str()).await.unwrap();
    db.close().await.unwrap();
}

/// A devnet and store whose creator sells memberships.
async fn with_membership_template(db: Db) -> (Net, Template) {
    let net = Net::start(db).await;
    let mut template = sticker_template(net.creator, Supply::Unique);
    template.kind = TemplateKind::Membership;
    net.store.insert_template(&template).await.unwrap();
    (net, template)
}

async fn an_expired_membership_is_clawed_back_once_its_renewal_ends_too(db: Db) {
    let (net, template) = with_membership_template(db).await;
    let fan = net.funded(1_000_000).await;
    let bought = net.rewards_from(&template, fan.address(), Variant::Soulbound, 1).await.remove(0);
    let renewal = net.rewards_from(&template, fan.address(), Variant::Soulbound, 1).await.remove(0);
    let minter = net.minter();
    minter.run_once().await.unwrap();
    let asset = net.asset_of(&bought).await;
    opt_in(&net, &fan, asset).await;
    net.store.release_awaiting_optin(&fan.address(), asset, net.clock.now()).await.unwrap();
    for _ in 0..3 {
        minter.run_once().await.unwrap();
    }
    assert_eq!(net.state(&bought).await, JobState::Done);
    let now = net.clock.now();
    let fan_text = fan.address().to_string();
    insert_membership(&net, &bought.tip_txid, &fan_text, now, now.plus(DAY * 30)).await;
    let (renewal_start, renewal_end) = (now.plus(DAY * 30), now.plus(DAY * 60));
    insert_membership(&net, &renewal.tip_txid, &fan_text, renewal_start, renewal_end).await;

    net.clock.advance(DAY * 31);
    let renewed = minter.revoke_expired_memberships().await.unwrap();
    net.clock.advance(DAY * 30);
    let ended = minter.revoke_expired_memberships().await.unwrap();
    let again = minter.revoke_expired_memberships().await.unwrap();

    assert_eq!(renewed.expired, 0, "the renewal keeps the membership alive");
    // Both periods end; only the delivered reward is in the fan's account to claw back.
    assert_eq!((ended.expired, ended.clawbacks, ended.revoked), (2, 1, 2));
    assert_eq!(again.expired, 0);
    given_up_for_expiry(&net, &renewal).await;
    let holding = net.algod.account_asset(&fan.address(), asset).await.unwrap().unwrap();
    assert_eq!(holding.amount, 0);
    let platform = net.algod.account_asset(&net.platform.address(), asset).await.unwrap();
    assert_eq!(platform.unwrap().amount, 1);
}

#[tokio::test]
async fn an_expired_membership_is_clawed_back_once_its_renewal_ends_too_sqlite() {
    an_expired_membership_is_clawed_back_once_its_renewal_ends_too(Db::Sqlite).await;
}

#[tokio::test]
async fn an_expired_membership_is_clawed_back_once_its_renewal_ends_too_postgres() {
    an_expired_membership_is_clawed_back_once_its_renewal_ends_too(Db::Postgres).await;
}

async fn opt_in(net: &Net, fan: &tipforge_algo::SecretKey, asset: tipforge_algo::AssetId) {
    let params = net.algod.suggested_params().await.unwrap();
    let opt_in = tipforge_server::minter::opt_in(fan.address(), asset, &params).unwrap();
    let txn = tipforge_algo::Transaction::decode(
        &base64::Engine::decode(&base64::engine::general_purpose::STANDARD, opt_in.transaction)
            .unwrap(),
    )
    .unwrap();
    net.submit(&txn.sign(fan)).await;
}

async fn given_up_for_expiry(net: &Net, key: &JobKey) {
    let job = net.store.reward_job(key).await.unwrap().unwrap();
    assert_eq!(job.state, JobState::Dead, "{key}");
    assert_eq!(job.last_error.as_deref(), Some(EXPIRED_UNDELIVERED));
    assert_eq!(job.error_class, Some(ErrorClass::Permanent));
    assert_eq!(net.store.minted_reward(key).await.unwrap(), None, "withdrawn from the fan");
    let retried = net.store.retry_dead_job(key, net.clock.now()).await.unwrap();
    assert_eq!(retried, RetryOutcome::MembershipRevoked);
}

async fn an_undelivered_membership_that_expires_is_given_up_and_never_delivered(db: Db) {
    let (net, template) = with_membership_template(db).await;
    let fan = net.funded(1_000_000).await;
    let minter = net.minter();
    let awaiting =
        net.rewards_from(&template, fan.address(), Variant::Soulbound, 1).await.remove(0);
    net.drain(&minter, 4).await;
    let queued = net.rewards_from(&template, fan.address(), Variant::Soulbound, 1).await.remove(0);
    assert_eq!(net.state(&awaiting).await, JobState::AwaitingOptin);
    assert_eq!(net.state(&queued).await, JobState::Queued);
    let asset = net.asset_of(&awaiting).await;
    let (now, fan_text) = (net.clock.now(), fan.address().to_string());
    for key in [&awaiting, &queued] {
        insert_membership(&net, &key.tip_txid, &fan_text, now, now.plus(DAY * 30)).await;
    }

    net.clock.advance(DAY * 31);
    let swept = minter.revoke_expired_memberships().await.unwrap();
    // The fan opts in after all, and the minter runs: nothing may reach them.
    opt_in(&net, &fan, asset).await;
    let released = net.store.release_awaiting_optin(&fan.address(), asset, net.clock.now()).await;
    net.drain(&minter, 3).await;

    assert_eq!((swept.expired, swept.clawbacks, swept.revoked), (2, 0, 2));
    assert_eq!(released.unwrap(), 0);
    given_up_for_expiry(&net, &awaiting).await;
    given_up_for_expiry(&net, &queued).await;
    let holding = net.algod.account_asset(&fan.address(), asset).await.unwrap().unwrap();
    assert_eq!(holding.amount, 0, "opted in, never delivered");
    assert_eq!(minter.revoke_expired_memberships().await.unwrap().expired, 0);
}

#[tokio::test]
async fn an_undelivered_membership_that_expires_is_given_up_and_never_delivered_sqlite() {
    an_undelivered_membership_that_expires_is_given_up_and_never_delivered(Db::Sqlite).await;
}

#[tokio::test]
async fn an_undelivered_membership_that_expires_is_given_up_and_never_delivered_postgres() {
    an_undelivered_membership_that_expires_is_given_up_and_never_delivered(Db::Postgres).await;
}
