//! Expired memberships are revoked on chain by clawback; a renewal keeps one alive.

use std::time::Duration;

use sqlx::{AnyConnection, Connection, Executor};
use tipforge_server::domain::{JobState, Supply, TemplateKind, Timestamp, Variant};

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

async fn an_expired_membership_is_clawed_back_once_its_renewal_ends_too(db: Db) {
    let net = Net::start(db).await;
    let mut template = sticker_template(net.creator, Supply::Unique);
    template.kind = TemplateKind::Membership;
    net.store.insert_template(&template).await.unwrap();
    let fan = net.funded(1_000_000).await;
    let bought = net.rewards_from(&template, fan.address(), Variant::Soulbound, 1).await.remove(0);
    let renewal = net.rewards_from(&template, fan.address(), Variant::Soulbound, 1).await.remove(0);
    let minter = net.minter();
    minter.run_once().await.unwrap();
    let asset = net.asset_of(&bought).await;
    let params = net.algod.suggested_params().await.unwrap();
    let opt_in = tipforge_server::minter::opt_in(fan.address(), asset, &params).unwrap();
    let txn = tipforge_algo::Transaction::decode(
        &base64::Engine::decode(&base64::engine::general_purpose::STANDARD, opt_in.transaction)
            .unwrap(),
    )
    .unwrap();
    net.submit(&txn.sign(&fan)).await;
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
