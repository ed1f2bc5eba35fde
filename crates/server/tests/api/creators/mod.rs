//! The creators API against the embedded devnet: registration deploys a real TipProxy exactly
//! once, tips through it reach the dashboard, and the pause, resume and minimum-tip calls work
//! when signed by the creator's key or sent by the platform.

mod dashboard;
mod harness;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tipforge_algo::{Address, AppId, SecretKey};
use tipforge_chain::ErrorKind as ChainErrorKind;
use tipforge_server::Config;
use tipforge_server::domain::{Claim, ClaimToken, SentCreate, Timestamp};
use tipforge_server::store::{ClaimRequest, Store};

use crate::helpers::{TestDb, error_code};
use harness::{ChainApp, sign_handed_out};

fn app_id_of(body: &Value) -> AppId {
    AppId(body["data"]["contract"]["appId"].as_u64().expect("an app id"))
}

/// A creator (devnet account 1) registered with a minimum tip of 0.2 ALGO.
async fn registered(app: &ChainApp) -> (SecretKey, String, AppId) {
    let creator = app.accounts[1].key.clone();
    let token = app.sign_in(&creator).await;
    let (status, body) = app.register(&token, &json!({ "minTip": 200_000 })).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    (creator, token, app_id_of(&body))
}

/// Polls the dashboard until it counts `tips` tips.
async fn dashboard_with(app: &ChainApp, token: &str, tips: u64) -> Value {
    for _ in 0..200 {
        let body = app.json("/creators/me/dashboard", Some(token)).await;
        if body["data"]["tips"]["count"].as_u64() == Some(tips) {
            return body["data"].clone();
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("the dashboard did not reach {tips} tips");
}

#[tokio::test]
async fn registration_deploys_a_funded_contract_whose_tips_reach_the_dashboard() {
    let app = ChainApp::spawn(TestDb::sqlite().await).await;
    let creator = app.accounts[1].key.clone();
    let fan = app.accounts[2].key.clone();
    let token = app.sign_in(&creator).await;
    let wallet = creator.address();

    let body = json!({ "minTip": 250_000, "username": "Alice_01" });
    let (status, registered) = app.register(&token, &body).await;

    assert_eq!(status, StatusCode::CREATED, "{registered}");
    assert_eq!(registered["data"]["created"], true);
    let app_id = app_id_of(&registered);
    let info = app.algod.application(app_id).await.unwrap();
    assert_eq!(info.creator, app.platform.address());
    assert_eq!(info.global_bytes(b"creator"), Some(&wallet.0[..]));
    assert_eq!(info.global_bytes(b"platform"), Some(&app.platform.address().0[..]));
    assert_eq!(info.global_uint(b"min_tip"), 250_000);
    assert_eq!(info.global_uint(b"paused"), 0);
    let account = app.algod.account(&Address::for_app(app_id)).await.unwrap();
    assert_eq!(account.amount.0, 100_000);
    let me = app.json("/auth/me", Some(&token)).await;
    assert_eq!(me["data"]["role"], "creator");
    let contract = app.json(&format!("/creators/{wallet}/contract"), None).await["data"].clone();
    assert_eq!(contract["appId"], app_id.0);
    assert_eq!(contract["appAddress"], Address::for_app(app_id).to_string());
    assert_eq!(contract["version"], 1);
    assert_eq!(contract["state"]["creator"], wallet.to_string());
    assert_eq!(contract["state"]["platform"], app.platform.address().to_string());
    assert_eq!(contract["state"]["minTipMicroAlgos"], 250_000);
    assert_eq!(contract["state"]["paused"], false);

    let (status, again) = app.register(&token, &json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!((again["data"]["created"].clone(), app_id_of(&again)), (json!(false), app_id));

    let round = app.tip(&fan, app_id, wallet, 1_000_000, "gm").await.unwrap();
    let dashboard = dashboard_with(&app, &token, 1).await;
    let current = app.algod.status().await.unwrap().last_round;
    assert!(current.0 <= round.0 + 2, "seen at round {current}, tipped at {round}");
    assert_eq!(dashboard["tips"]["totalMicroAlgos"], 1_000_000);
    assert_eq!(dashboard["tips"]["uniqueFans"], 1);
    assert_eq!(dashboard["tipsLast24h"], 1);
    assert_eq!(dashboard["tipsLast7d"], 1);
    assert_eq!(dashboard["topFans"][0]["fan"], fan.address().to_string());
    assert_eq!(dashboard["recentTips"][0]["memo"], "gm");
    assert_eq!(dashboard["rewardJobs"], json!([]));
    assert_eq!(dashboard["templates"], json!([]));
    let page = app.json(&format!("/creators/{wallet}"), None).await["data"].clone();
    assert_eq!(page["username"], "alice_01");
    assert_eq!(page["contract"]["appId"], app_id.0);
    assert_eq!(page["tips"], json!({ "count": 1, "totalMicroAlgos": 1_000_000, "uniqueFans": 1 }));
    let stats = app.json(&format!("/creators/{wallet}/stats"), None).await;
    assert_eq!(stats["data"]["totalTips"], 1);
    assert_eq!(stats["data"]["totalMicroAlgos"], 1_000_000);
    assert!(stats["meta"]["cacheAgeMs"].as_u64().is_some(), "{stats}");
}

async fn concurrent_registrations_deploy_one_contract(db: TestDb) {
    let app = ChainApp::spawn(db).await;
    let creator = app.accounts[1].key.clone();
    let token = app.sign_in(&creator).await;

    let (low, high) = (json!({ "minTip": 100_000 }), json!({ "minTip": 300_000 }));
    let (first, second) = tokio::join!(app.register(&token, &low), app.register(&token, &high));

    let mut statuses = [first.0, second.0];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CREATED], "{} {}", first.1, second.1);
    assert_eq!(app_id_of(&first.1), app_id_of(&second.1));
    assert_eq!(app.apps_created_by_platform().await, 1);
    assert_eq!(app.count_rows("contracts").await, 1);
    assert_eq!(app.count_rows("registrations").await, 1);
}

#[tokio::test]
async fn concurrent_registrations_deploy_one_contract_on_sqlite() {
    concurrent_registrations_deploy_one_contract(TestDb::sqlite().await).await;
}

#[tokio::test]
async fn concurrent_registrations_deploy_one_contract_on_postgres() {
    concurrent_registrations_deploy_one_contract(TestDb::postgres().await).await;
}

#[tokio::test]
async fn two_instances_on_one_postgres_deploy_one_contract() {
    let first = ChainApp::spawn(TestDb::postgres().await).await;
    let second = ChainApp::beside(&first).await;
    let creator = first.accounts[1].key.clone();
    let token = first.sign_in(&creator).await;

    let empty = json!({});
    let (one, two) = tokio::join!(first.register(&token, &empty), second.register(&token, &empty));

    let mut statuses = [one.0, two.0];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CREATED], "{} {}", one.1, two.1);
    assert_eq!(app_id_of(&one.1), app_id_of(&two.1));
    assert_eq!(first.apps_created_by_platform().await, 1);
    assert_eq!(first.count_rows("contracts").await, 1);
    assert_eq!(first.count_rows("registrations").await, 1);
}

#[tokio::test]
async fn the_creator_pauses_by_signing_the_handed_out_call_and_tips_are_refused() {
    let app = ChainApp::spawn(TestDb::sqlite().await).await;
    let (creator, token, app_id) = registered(&app).await;
    let fan = app.accounts[2].key.clone();
    let stats_path = format!("/creators/{}/stats", creator.address());
    let before = app.json(&stats_path, None).await;
    assert_eq!(
        (before["data"]["paused"].clone(), before["data"]["totalTips"].clone()),
        (json!(false), json!(0))
    );
    app.tip(&fan, app_id, creator.address(), 1_000_000, "gm").await.unwrap();
    let cached = app.json(&stats_path, None).await;
    assert_eq!(cached["data"]["totalTips"], 0, "served from the cache: {cached}");
    assert_eq!(cached["meta"]["fetchedAt"], before["meta"]["fetchedAt"]);

    let response = app.post("/creators/me/pause", Some(&token), &json!({})).await;
    assert_eq!(response.status(), StatusCode::OK);
    let handed_out: Value = response.json().await.unwrap();
    let summary = &handed_out["data"]["summary"];
    assert_eq!(summary["type"], "appl");
    assert_eq!(summary["sender"], creator.address().to_string());
    assert_eq!(summary["appId"], app_id.0);
    assert_eq!(summary["method"], "pause()void");
    app.submit(&[sign_handed_out(&handed_out, &creator)]).await.unwrap();

    let stats = app.json(&stats_path, None).await;
    assert_eq!(stats["data"]["paused"], true, "{stats}");
    assert_eq!(stats["data"]["totalTips"], 1, "read again after the pause: {stats}");
    let refused = app.tip(&fan, app_id, creator.address(), 1_000_000, "gm").await.unwrap_err();
    assert_eq!(refused.kind(), ChainErrorKind::Rejected);

    let body = app.post("/creators/me/resume", Some(&token), &json!({})).await;
    app.submit(&[sign_handed_out(&body.json().await.unwrap(), &creator)]).await.unwrap();
    let body = app.post("/creators/me/min-tip", Some(&token), &json!({ "minTip": 500_000 })).await;
    let handed_out: Value = body.json().await.unwrap();
    assert_eq!(handed_out["data"]["summary"]["method"], "set_min_tip(uint64)void");
    app.submit(&[sign_handed_out(&handed_out, &creator)]).await.unwrap();

    let stats = app.json(&stats_path, None).await["data"].clone();
    assert_eq!(
        (stats["paused"].clone(), stats["minTipMicroAlgos"].clone()),
        (json!(false), json!(500_000))
    );
    let too_small = app.tip(&fan, app_id, creator.address(), 400_000, "small").await;
    assert_eq!(too_small.unwrap_err().kind(), ChainErrorKind::Rejected);
    app.tip(&fan, app_id, creator.address(), 500_000, "ok").await.unwrap();
}

#[tokio::test]
async fn the_platform_pauses_any_creator_and_fans_are_refused_operator_and_creator_routes() {
    let app = ChainApp::spawn(TestDb::sqlite().await).await;
    let (creator, _, app_id) = registered(&app).await;
    let fan = app.accounts[2].key.clone();
    let fan_token = app.sign_in(&fan).await;
    let operator = app.sign_in(&app.platform).await;
    let wallet = creator.address();
    let stats_path = format!("/creators/{wallet}/stats");
    assert_eq!(app.json(&stats_path, None).await["data"]["paused"], false);

    for path in ["/creators/me/pause", "/creators/me/resume"] {
        let response = app.post(path, Some(&fan_token), &json!({})).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
        assert_eq!(error_code(response).await, "not_a_creator");
    }
    let response = app.get("/creators/me/dashboard", Some(&fan_token)).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let response =
        app.post(&format!("/admin/creators/{wallet}/pause"), Some(&fan_token), &json!({})).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let response = app.post(&format!("/admin/creators/{wallet}/pause"), None, &json!({})).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.algod.application(app_id).await.unwrap().global_uint(b"paused"), 0);

    let response =
        app.post(&format!("/admin/creators/{wallet}/pause"), Some(&operator), &json!({})).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["data"]["method"], "pause()void");
    assert!(body["data"]["confirmedRound"].as_u64().unwrap() > 0);
    assert_eq!(app.algod.application(app_id).await.unwrap().global_uint(b"paused"), 1);
    assert_eq!(app.json(&stats_path, None).await["data"]["paused"], true);
    let refused = app.tip(&fan, app_id, wallet, 1_000_000, "gm").await.unwrap_err();
    assert_eq!(refused.kind(), ChainErrorKind::Rejected);

    let resume = format!("/admin/creators/{wallet}/resume");
    assert_eq!(app.post(&resume, Some(&operator), &json!({})).await.status(), StatusCode::OK);
    assert_eq!(app.json(&stats_path, None).await["data"]["paused"], false);
    app.tip(&fan, app_id, wallet, 1_000_000, "gm").await.unwrap();
}

#[tokio::test]
async fn bad_input_is_refused_and_nothing_is_stored() {
    let app = ChainApp::spawn(TestDb::sqlite().await).await;
    let someone = app.accounts[3].key.clone();
    let token = app.sign_in(&someone).await;
    let stranger = SecretKey::generate().address();

    for path in ["/creators/not-an-address", "/creators/ABC/contract", "/creators/xyz/stats"] {
        let response = app.get(path, None).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{path}");
        assert_eq!(error_code(response).await, "invalid_field");
    }
    for path in [format!("/creators/{stranger}"), format!("/creators/{stranger}/stats")] {
        let response = app.get(&path, None).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        assert_eq!(error_code(response).await, "creator_not_found");
    }
    // Signed in but never registered: still unknown as a creator.
    let response = app.get(&format!("/creators/{}", someone.address()), None).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let operator = app.sign_in(&app.platform).await;
    let response = app.post("/admin/creators/nope/pause", Some(&operator), &json!({})).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let response =
        app.post(&format!("/admin/creators/{stranger}/pause"), Some(&operator), &json!({})).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);

    for body in [
        json!({ "minTip": 0 }),
        json!({ "minTip": 999 }),
        json!({ "minTip": 1_000_000_000_000_001u64 }),
        json!({ "minTip": -5 }),
        json!({ "username": "a b" }),
        json!({ "username": "x" }),
        json!({ "unknown": true }),
    ] {
        let (status, error) = app.register(&token, &body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {error}");
    }
    let response = app.post("/creators/register", None, &json!({})).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let response = app.get("/creators/me/dashboard", None).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let response = app.post("/creators/me/min-tip", Some(&token), &json!({ "minTip": 0 })).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);

    assert_eq!(app.count_rows("registrations").await, 0);
    assert_eq!(app.count_rows("contracts").await, 0);
    assert_eq!(app.apps_created_by_platform().await, 0);
    let me = app.json("/auth/me", Some(&token)).await;
    assert_eq!(me["data"]["role"], "fan");
}

#[tokio::test]
async fn a_username_taken_by_another_user_is_refused_before_anything_is_deployed() {
    let app = ChainApp::spawn(TestDb::sqlite().await).await;
    let first = app.sign_in(&app.accounts[1].key).await;
    let second = app.sign_in(&app.accounts[2].key).await;
    let (status, _) = app.register(&first, &json!({ "username": "sam" })).await;
    assert_eq!(status, StatusCode::CREATED);

    let (status, body) = app.register(&second, &json!({ "username": "SAM" })).await;

    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "username_taken");
    assert_eq!(app.apps_created_by_platform().await, 1);
    let (status, _) = app.register(&second, &json!({ "username": "sam2" })).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(app.apps_created_by_platform().await, 2);
}

#[tokio::test]
async fn a_registration_the_chain_refuses_is_recorded_as_failed_and_can_be_retried() {
    let app = ChainApp::spawn(TestDb::sqlite().await).await;
    let creator = app.accounts[1].key.clone();
    let token = app.sign_in(&creator).await;
    let reserve = app.accounts[4].key.clone();
    app.drain_platform(reserve.address()).await;

    let (status, body) = app.register(&token, &json!({})).await;

    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"]["code"], "chain_rejected");
    let (state, error) = app.registration_row(&creator.address()).await;
    assert_eq!(state, "failed");
    assert!(error.is_some_and(|error| !error.is_empty()));
    assert_eq!(app.count_rows("contracts").await, 0);
    assert_eq!(app.json("/auth/me", Some(&token)).await["data"]["role"], "fan");

    app.pay(&reserve, app.platform.address(), 10_000_000_000).await;
    let (status, body) = app.register(&token, &json!({})).await;

    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(app.registration_row(&creator.address()).await, ("deployed".to_owned(), None));
    assert_eq!(app.apps_created_by_platform().await, 1);
}

#[tokio::test]
async fn registrations_over_the_limit_get_429_and_deploy_nothing() {
    let mut config = Config::test();
    config.rate_limits.registration_requests = 2;
    let app = ChainApp::spawn_with(config, TestDb::sqlite().await).await;
    let first = app.sign_in(&app.accounts[1].key).await;
    let second = app.sign_in(&app.accounts[2].key).await;
    assert_eq!(app.register(&first, &json!({})).await.0, StatusCode::CREATED);
    assert_eq!(app.register(&first, &json!({})).await.0, StatusCode::OK);

    let (status, body) = app.register(&second, &json!({})).await;

    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["error"]["code"], "rate_limited");
    assert_eq!(app.apps_created_by_platform().await, 1);
    // Only registration spends platform funds; the other creator routes are not limited.
    let wallet = app.accounts[1].key.address();
    for _ in 0..3 {
        assert_eq!(app.get(&format!("/creators/{wallet}"), None).await.status(), StatusCode::OK);
    }
}

#[tokio::test]
async fn a_registration_abandoned_after_sending_its_create_is_finished_with_that_app() {
    let app = ChainApp::spawn(TestDb::sqlite().await).await;
    let creator = app.accounts[1].key.clone();
    let token = app.sign_in(&creator).await;
    let wallet = creator.address();
    // An earlier request claimed the registration long ago, recorded and sent its create
    // transaction, and died before storing anything else.
    let store = Store::open(&app.db_url).await.unwrap();
    let (abandoned, long_ago) = (ClaimToken::generate(), Timestamp(1_000));
    let claim = ClaimRequest {
        creator: &wallet,
        token: &abandoned,
        min_tip: tipforge_algo::MicroAlgos(100_000),
        username: None,
        now: long_ago,
        stale_before: Timestamp(0),
    };
    assert!(matches!(store.claim_registration(&claim).await.unwrap(), Claim::Claimed(_)));
    let (txid, last_valid, created) = app.create_directly(wallet).await;
    let sent = SentCreate { txid, last_valid };
    assert!(store.record_create(&wallet, &abandoned, &sent, long_ago).await.unwrap());

    let (status, body) = app.register(&token, &json!({})).await;

    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(app_id_of(&body), created);
    assert_eq!(app.apps_created_by_platform().await, 1);
    let funded = app.algod.account(&Address::for_app(created)).await.unwrap();
    assert_eq!(funded.amount.0, 100_000);
    // The abandoned request, were it to wake up, no longer holds the claim.
    assert!(!store.record_create(&wallet, &abandoned, &sent, long_ago).await.unwrap());
}

#[tokio::test]
async fn a_claim_held_by_a_live_request_is_not_taken_over() {
    let app = ChainApp::spawn(TestDb::sqlite().await).await;
    let creator = app.accounts[1].key.clone();
    app.sign_in(&creator).await;
    let wallet = creator.address();
    let store = Store::open(&app.db_url).await.unwrap();
    let now = Timestamp(2_000_000);
    let request = |token| ClaimRequest {
        creator: &wallet,
        token,
        min_tip: tipforge_algo::MicroAlgos(100_000),
        username: None,
        now,
        stale_before: Timestamp(now.0 - 600_000),
    };
    let (first, second) = (ClaimToken::generate(), ClaimToken::generate());

    let claimed = store.claim_registration(&request(&first)).await.unwrap();
    let taken = store.claim_registration(&request(&second)).await.unwrap();

    assert!(matches!(claimed, Claim::Claimed(_)));
    let Claim::Taken(held) = taken else { panic!("the live claim was taken over: {taken:?}") };
    assert_eq!(held.claimed_by, first);
}

#[tokio::test]
async fn a_creator_whose_contract_was_retired_registers_a_new_one() {
    let app = ChainApp::spawn(TestDb::sqlite().await).await;
    let (creator, token, first) = registered(&app).await;
    let store = Store::open(&app.db_url).await.unwrap();
    assert!(store.retire_contract(first, Timestamp(5_000)).await.unwrap());

    let (status, body) = app.register(&token, &json!({ "minTip": 300_000 })).await;

    assert_eq!(status, StatusCode::CREATED, "{body}");
    let second = app_id_of(&body);
    assert_ne!(second, first);
    assert_eq!(app.apps_created_by_platform().await, 2);
    let wallet = creator.address();
    let contract = app.json(&format!("/creators/{wallet}/contract"), None).await;
    assert_eq!(contract["data"]["appId"], second.0);
    assert_eq!(contract["data"]["state"]["minTipMicroAlgos"], 300_000);
    let (status, again) = app.register(&token, &json!({})).await;
    assert_eq!((status, app_id_of(&again)), (StatusCode::OK, second));
}
