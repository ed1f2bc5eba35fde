use data_encoding::BASE64;
use reqwest::StatusCode;
use tipforge_algo::group::assign_group;
use tipforge_algo::transaction::{AppCall, OnComplete, Payment, StateSchema};
use tipforge_algo::{Address, AppId, MicroAlgos, Transaction};

use crate::helpers::{TestNet, fresh_key};

const TIP: [u8; 4] = [0x9e, 0x8c, 0xcd, 0x33];
const SET_MIN_TIP: [u8; 4] = [0xa4, 0xb9, 0x52, 0xa4];
const PAUSE: [u8; 4] = [0x01, 0x78, 0xf9, 0x4b];
const RESUME: [u8; 4] = [0x24, 0x2d, 0x58, 0xab];

const CONTRACT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../contracts/tip_proxy");

fn program(name: &str) -> Vec<u8> {
    let text = std::fs::read_to_string(format!("{CONTRACT}/{name}.b64")).expect("bytecode");
    BASE64.decode(text.trim().as_bytes()).expect("base64")
}

fn abi_string(text: &str) -> Vec<u8> {
    [&(text.len() as u16).to_be_bytes()[..], text.as_bytes()].concat()
}

async fn deploy(net: &TestNet, creator: &tipforge_algo::SecretKey, min_tip: u64) -> AppId {
    deploy_with(net, creator, creator.address(), min_tip).await
}

async fn deploy_with(
    net: &TestNet,
    creator: &tipforge_algo::SecretKey,
    platform: Address,
    min_tip: u64,
) -> AppId {
    let call = AppCall::create(
        program("approval"),
        program("clear"),
        StateSchema::new(4, 2),
        StateSchema::new(0, 0),
    )
    .arg(vec![0xce, 0x61, 0x02, 0x51])
    .arg(creator.address().0.to_vec())
    .arg(platform.0.to_vec())
    .arg(min_tip.to_be_bytes().to_vec());
    let created = net.confirm(&[net.signed(creator, call).await]).await;
    AppId(created["application-index"].as_u64().unwrap_or_else(|| panic!("created: {created}")))
}

async fn tip_group(
    net: &TestNet,
    fan: &tipforge_algo::SecretKey,
    app: AppId,
    creator: Address,
    amount: u64,
) -> Vec<tipforge_algo::SignedTransaction> {
    let pay = net.txn(fan, Payment::new(Address::for_app(app), MicroAlgos(amount))).await;
    let call = AppCall::new(app).arg(TIP.to_vec()).arg(abi_string("gm")).account(creator);
    let mut call = net.txn(fan, call).await;
    call.header.fee = MicroAlgos(2_000);
    let mut txns: Vec<Transaction> = vec![pay, call];
    assign_group(&mut txns).expect("group");
    txns.iter().map(|t| t.sign(fan)).collect()
}

#[tokio::test]
async fn a_tip_through_tip_proxy_is_forwarded_logged_and_counted() {
    let net = TestNet::spawn().await;
    let (creator, fan) = (fresh_key(80), net.key(1));
    net.pay(&net.key(0), creator.address(), 10_000_000).await;
    let app = deploy(&net, &creator, 100_000).await;
    net.pay(&net.key(0), Address::for_app(app), 100_000).await;
    let before = net.balance(&creator.address()).await;

    let group = tip_group(&net, &fan, app, creator.address(), 250_000).await;
    let (status, json) = net.submit(&group).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    let (_, call) = net.get(&format!("/v2/transactions/pending/{}", group[1].id())).await;
    let (_, state) = net.get(&format!("/v2/applications/{}", app.0)).await;
    let round = call["confirmed-round"].as_u64().expect("confirmed");
    let (_, logs) = net.get(&format!("/v2/blocks/{round}/logs")).await;
    let (_, indexed) = net.idx(&format!("/v2/transactions?application-id={}", app.0)).await;

    assert_eq!(net.balance(&creator.address()).await, before + 250_000);
    assert_eq!(call["inner-txns"].as_array().map(Vec::len), Some(1), "{call}");
    assert_eq!(call["inner-txns"][0]["txn"]["txn"]["amt"].as_u64(), Some(250_000));
    assert_eq!(call["logs"].as_array().map(Vec::len), Some(1));
    let globals = state["params"]["global-state"].as_array().expect("global state");
    let total = globals
        .iter()
        .find(|kv| kv["key"] == BASE64.encode(b"total_amount"))
        .expect("total_amount");
    assert_eq!(total["value"]["uint"].as_u64(), Some(250_000));
    assert_eq!(logs["logs"][0]["txId"].as_str(), Some(group[1].id().to_string().as_str()));
    assert_eq!(indexed["transactions"].as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn a_tip_below_the_minimum_fails_with_a_logic_error_and_changes_nothing() {
    let net = TestNet::spawn().await;
    let (creator, fan) = (fresh_key(81), net.key(1));
    net.pay(&net.key(0), creator.address(), 10_000_000).await;
    let app = deploy(&net, &creator, 1_000_000).await;
    net.pay(&net.key(0), Address::for_app(app), 100_000).await;
    let fan_before = net.balance(&fan.address()).await;

    let group = tip_group(&net, &fan, app, creator.address(), 250_000).await;
    let (status, json) = net.submit(&group).await;
    let message = json["message"].as_str().expect("message");

    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(message.contains("logic eval error") && message.contains("pc="), "{message}");
    assert_eq!(net.balance(&fan.address()).await, fan_before);
}

#[tokio::test]
async fn only_the_creator_deletes_and_the_app_account_closes_back() {
    let net = TestNet::spawn().await;
    let (creator, other) = (fresh_key(82), net.key(1));
    net.pay(&net.key(0), creator.address(), 10_000_000).await;
    let app = deploy(&net, &creator, 0).await;
    net.pay(&net.key(0), Address::for_app(app), 500_000).await;
    let delete = |from| AppCall::new(app).on_complete(OnComplete::DeleteApplication).account(from);

    let mut by_other = net.txn(&other, delete(creator.address())).await;
    by_other.header.fee = MicroAlgos(2_000);
    let (refused, _) = net.submit(&[by_other.sign(&other)]).await;
    let mut by_creator = net.txn(&creator, delete(creator.address())).await;
    by_creator.header.fee = MicroAlgos(2_000);
    let (status, json) = net.submit(&[by_creator.sign(&creator)]).await;
    let (gone, _) = net.get(&format!("/v2/applications/{}", app.0)).await;

    assert_eq!(refused, StatusCode::BAD_REQUEST);
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(gone, StatusCode::NOT_FOUND);
    assert_eq!(net.balance(&Address::for_app(app)).await, 0);
}

const BOX_APP: &str = "#pragma version 10
txn ApplicationID
bz done
byte \"tips\"
byte \"hello\"
box_put
byte \"count\"
byte \"count\"
app_global_get
int 1
+
app_global_put
done:
int 1
";

#[tokio::test]
async fn boxes_global_state_and_extra_pages_are_charged_to_minimum_balances() {
    let net = TestNet::spawn().await;
    let creator = net.key(0);
    let approval = tipforge_teal::assemble(BOX_APP).expect("assembles").program;
    let clear = tipforge_teal::assemble("#pragma version 10\nint 1\n").expect("assembles").program;
    let create = AppCall::create(approval, clear, StateSchema::new(1, 0), StateSchema::new(0, 0))
        .extra_pages(1);
    let before =
        net.get(&format!("/v2/accounts/{}", creator.address())).await.1["min-balance"].as_u64();
    let created = net.confirm(&[net.signed(&creator, create).await]).await;
    let app = AppId(created["application-index"].as_u64().expect("app"));
    let after =
        net.get(&format!("/v2/accounts/{}", creator.address())).await.1["min-balance"].as_u64();
    net.pay(&creator, Address::for_app(app), 200_000).await;

    let call = AppCall::new(app).box_ref(app, b"tips".to_vec());
    let called = net.confirm(&[net.signed(&creator, call).await]).await;
    let (_, app_account) = net.get(&format!("/v2/accounts/{}", Address::for_app(app))).await;
    let (_, stored) = net.get(&format!("/v2/applications/{}/box?name=str:tips", app.0)).await;
    let (_, names) = net.get(&format!("/v2/applications/{}/boxes", app.0)).await;
    let (_, info) = net.get(&format!("/v2/applications/{}", app.0)).await;

    // 100,000 per page (two) plus 25,000 + 3,500 for the one integer.
    assert_eq!(after.zip(before).map(|(a, b)| a - b), Some(228_500));
    assert_eq!(called["global-state-delta"][0]["value"]["uint"].as_u64(), Some(1), "{called}");
    assert_eq!(app_account["min-balance"].as_u64(), Some(100_000 + 2_500 + 400 * 9));
    assert_eq!(app_account["total-boxes"].as_u64(), Some(1));
    assert_eq!(stored["value"], BASE64.encode(b"hello"));
    assert_eq!(names["boxes"].as_array().map(Vec::len), Some(1));
    assert_eq!(info["params"]["extra-program-pages"].as_u64(), Some(1));
}

/// A creator's TipProxy with a separate platform account, funded for its minimum balance.
struct Proxy {
    net: TestNet,
    app: AppId,
    creator: tipforge_algo::SecretKey,
    platform: tipforge_algo::SecretKey,
}

impl Proxy {
    async fn deploy(seed: u8, min_tip: u64) -> Self {
        let net = TestNet::spawn().await;
        let (creator, platform) = (fresh_key(seed), fresh_key(seed + 1));
        net.pay(&net.key(0), creator.address(), 10_000_000).await;
        net.pay(&net.key(0), platform.address(), 10_000_000).await;
        let app = deploy_with(&net, &creator, platform.address(), min_tip).await;
        net.pay(&net.key(0), Address::for_app(app), 100_000).await;
        Self { net, app, creator, platform }
    }

    /// Calls `method` with `args` from `from`.
    async fn call(
        &self,
        from: &tipforge_algo::SecretKey,
        method: [u8; 4],
        args: &[Vec<u8>],
    ) -> (StatusCode, serde_json::Value) {
        let call = args
            .iter()
            .fold(AppCall::new(self.app).arg(method.to_vec()), |call, arg| call.arg(arg.clone()));
        self.net.submit(&[self.net.signed(from, call).await]).await
    }

    async fn update(&self, from: &tipforge_algo::SecretKey) -> StatusCode {
        let call = AppCall {
            approval_program: program("clear"),
            clear_program: program("clear"),
            ..AppCall::new(self.app).on_complete(OnComplete::UpdateApplication)
        };
        self.net.submit(&[self.net.signed(from, call).await]).await.0
    }

    async fn global(&self, key: &str) -> Option<u64> {
        let (_, state) = self.net.get(&format!("/v2/applications/{}", self.app.0)).await;
        let globals = state["params"]["global-state"].as_array()?.clone();
        let entry = globals.into_iter().find(|kv| kv["key"] == BASE64.encode(key.as_bytes()))?;
        entry["value"]["uint"].as_u64()
    }

    /// The payment of a tip, `payer` to `to`, and the `tip` call by `caller`, in that order.
    async fn tip_txns(
        &self,
        payer: &tipforge_algo::SecretKey,
        to: Address,
        caller: &tipforge_algo::SecretKey,
        amount: u64,
    ) -> (Transaction, Transaction) {
        let pay = self.net.txn(payer, Payment::new(to, MicroAlgos(amount))).await;
        let call = AppCall::new(self.app)
            .arg(TIP.to_vec())
            .arg(abi_string("gm"))
            .account(self.creator.address());
        let mut call = self.net.txn(caller, call).await;
        call.header.fee = MicroAlgos(2_000);
        (pay, call)
    }

    /// Groups `txns` and signs each with its key.
    fn group(
        txns: Vec<(Transaction, &tipforge_algo::SecretKey)>,
    ) -> Vec<tipforge_algo::SignedTransaction> {
        let (mut plain, keys): (Vec<Transaction>, Vec<_>) = txns.into_iter().unzip();
        assign_group(&mut plain).expect("group");
        plain.iter().zip(keys).map(|(t, key)| t.sign(key)).collect()
    }

    /// A well-formed tip from `fan`.
    async fn tip(
        &self,
        fan: &tipforge_algo::SecretKey,
        amount: u64,
    ) -> (StatusCode, serde_json::Value) {
        let (pay, call) = self.tip_txns(fan, Address::for_app(self.app), fan, amount).await;
        self.net.submit(&Self::group(vec![(pay, fan), (call, fan)])).await
    }
}

fn assert_logic_error(status: StatusCode, json: &serde_json::Value) {
    let message = json["message"].as_str().unwrap_or_default();
    assert_eq!(status, StatusCode::BAD_REQUEST, "{json}");
    assert!(message.contains("logic eval error"), "{message}");
}

#[tokio::test]
async fn a_valid_tip_forwards_the_whole_amount_and_emits_tipped() {
    let proxy = Proxy::deploy(90, 100_000).await;
    let fan = proxy.net.key(1);
    let creator_before = proxy.net.balance(&proxy.creator.address()).await;
    let app_before = proxy.net.balance(&Address::for_app(proxy.app)).await;
    let fan_before = proxy.net.balance(&fan.address()).await;

    let (pay, call) = proxy.tip_txns(&fan, Address::for_app(proxy.app), &fan, 1_234_567).await;
    let group = Proxy::group(vec![(pay, &fan), (call, &fan)]);
    let (status, json) = proxy.net.submit(&group).await;
    let (_, pending) = proxy.net.get(&format!("/v2/transactions/pending/{}", group[1].id())).await;
    let log = BASE64.decode(pending["logs"][0].as_str().expect("a log").as_bytes()).expect("b64");
    let tipped: tipforge_algo::arc28::Event =
        "Tipped(address,uint64,string)".parse().expect("event");
    let args = tipped.decode(&log).expect("a Tipped event");

    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(proxy.net.balance(&proxy.creator.address()).await, creator_before + 1_234_567);
    assert_eq!(proxy.net.balance(&Address::for_app(proxy.app)).await, app_before);
    // The fan pays the tip and both fees (the call's 2,000 covers the inner payment).
    assert_eq!(proxy.net.balance(&fan.address()).await, fan_before - 1_234_567 - 3_000);
    assert_eq!(pending["inner-txns"][0]["txn"]["txn"]["fee"].as_u64(), None, "{pending}");
    assert_eq!(args[0].as_address(), Some(fan.address()));
    assert_eq!(args[1].as_u64(), Some(1_234_567));
    assert_eq!(args[2].as_str(), Some("gm"));
    assert_eq!(proxy.global("total_tips").await, Some(1));
    assert_eq!(proxy.global("total_amount").await, Some(1_234_567));
}

#[tokio::test]
async fn a_tip_while_paused_is_refused_and_pause_resume_work_for_creator_and_platform() {
    let proxy = Proxy::deploy(92, 0).await;
    let fan = proxy.net.key(1);
    let fan_before = proxy.net.balance(&fan.address()).await;

    let (paused_by_creator, _) = proxy.call(&proxy.creator, PAUSE, &[]).await;
    let (refused, refusal) = proxy.tip(&fan, 100_000).await;
    let (resumed_by_platform, _) = proxy.call(&proxy.platform, RESUME, &[]).await;
    let (accepted, _) = proxy.tip(&fan, 100_000).await;
    let (paused_by_platform, _) = proxy.call(&proxy.platform, PAUSE, &[]).await;
    let paused = proxy.global("paused").await;
    let (refused_again, _) = proxy.tip(&fan, 100_000).await;
    let (resumed_by_creator, _) = proxy.call(&proxy.creator, RESUME, &[]).await;

    assert_eq!(paused_by_creator, StatusCode::OK);
    assert_logic_error(refused, &refusal);
    assert_eq!(resumed_by_platform, StatusCode::OK);
    assert_eq!(accepted, StatusCode::OK);
    assert_eq!(paused_by_platform, StatusCode::OK);
    assert_eq!(paused, Some(1));
    assert_eq!(refused_again, StatusCode::BAD_REQUEST);
    assert_eq!(resumed_by_creator, StatusCode::OK);
    assert_eq!(proxy.global("paused").await, Some(0));
    assert_eq!(proxy.global("total_tips").await, Some(1));
    assert_eq!(proxy.net.balance(&fan.address()).await, fan_before - 100_000 - 3_000);
}

#[tokio::test]
async fn a_tip_paid_to_the_creator_directly_is_refused() {
    let proxy = Proxy::deploy(94, 0).await;
    let fan = proxy.net.key(1);
    let creator_before = proxy.net.balance(&proxy.creator.address()).await;

    let (pay, call) = proxy.tip_txns(&fan, proxy.creator.address(), &fan, 100_000).await;
    let (status, json) = proxy.net.submit(&Proxy::group(vec![(pay, &fan), (call, &fan)])).await;

    assert_logic_error(status, &json);
    assert_eq!(proxy.net.balance(&proxy.creator.address()).await, creator_before);
    assert_eq!(proxy.global("total_tips").await, Some(0));
}

#[tokio::test]
async fn a_tip_paid_by_someone_else_than_the_caller_is_refused() {
    let proxy = Proxy::deploy(96, 0).await;
    let (payer, caller) = (proxy.net.key(1), proxy.net.key(2));

    let (pay, call) = proxy.tip_txns(&payer, Address::for_app(proxy.app), &caller, 100_000).await;
    let (status, json) =
        proxy.net.submit(&Proxy::group(vec![(pay, &payer), (call, &caller)])).await;

    assert_logic_error(status, &json);
    assert_eq!(proxy.global("total_tips").await, Some(0));
}

#[tokio::test]
async fn a_tip_whose_payment_is_not_just_before_the_call_is_refused() {
    let proxy = Proxy::deploy(98, 0).await;
    let fan = proxy.net.key(1);
    let app_account = Address::for_app(proxy.app);

    // The payment after the call.
    let (pay, call) = proxy.tip_txns(&fan, app_account, &fan, 100_000).await;
    let (after, after_json) =
        proxy.net.submit(&Proxy::group(vec![(call, &fan), (pay, &fan)])).await;
    // The payment two places before the call, another payment in between.
    let (pay, call) = proxy.tip_txns(&fan, app_account, &fan, 100_000).await;
    let between =
        proxy.net.txn(&fan, Payment::new(proxy.creator.address(), MicroAlgos(1_000))).await;
    let (apart, apart_json) =
        proxy.net.submit(&Proxy::group(vec![(pay, &fan), (between, &fan), (call, &fan)])).await;

    assert_logic_error(after, &after_json);
    assert_logic_error(apart, &apart_json);
    assert_eq!(proxy.global("total_tips").await, Some(0));
}

#[tokio::test]
async fn only_the_creator_or_the_platform_can_pause() {
    let proxy = Proxy::deploy(100, 0).await;
    let fan = proxy.net.key(1);

    let (status, json) = proxy.call(&fan, PAUSE, &[]).await;
    let (tipped, _) = proxy.tip(&fan, 100_000).await;

    assert_logic_error(status, &json);
    assert_eq!(proxy.global("paused").await, Some(0));
    assert_eq!(tipped, StatusCode::OK);
}

#[tokio::test]
async fn nobody_can_update_the_contract() {
    let proxy = Proxy::deploy(102, 0).await;
    let (_, before) = proxy.net.get(&format!("/v2/applications/{}", proxy.app.0)).await;

    let by_creator = proxy.update(&proxy.creator).await;
    let by_platform = proxy.update(&proxy.platform).await;
    let (_, after) = proxy.net.get(&format!("/v2/applications/{}", proxy.app.0)).await;

    assert_eq!(by_creator, StatusCode::BAD_REQUEST);
    assert_eq!(by_platform, StatusCode::BAD_REQUEST);
    assert_eq!(after["params"]["approval-program"], before["params"]["approval-program"]);
}

#[tokio::test]
async fn only_the_creator_sets_the_minimum_tip() {
    let proxy = Proxy::deploy(104, 100_000).await;
    let fan = proxy.net.key(1);
    let new_min = 500_000u64.to_be_bytes().to_vec();

    let (by_platform, platform_json) =
        proxy.call(&proxy.platform, SET_MIN_TIP, std::slice::from_ref(&new_min)).await;
    let (by_fan, _) = proxy.call(&fan, SET_MIN_TIP, std::slice::from_ref(&new_min)).await;
    let unchanged = proxy.global("min_tip").await;
    let (by_creator, creator_json) = proxy.call(&proxy.creator, SET_MIN_TIP, &[new_min]).await;
    let (below, below_json) = proxy.tip(&fan, 200_000).await;
    let (at_minimum, _) = proxy.tip(&fan, 500_000).await;

    assert_logic_error(by_platform, &platform_json);
    assert_eq!(by_fan, StatusCode::BAD_REQUEST);
    assert_eq!(unchanged, Some(100_000));
    assert_eq!(by_creator, StatusCode::OK, "{creator_json}");
    assert_eq!(proxy.global("min_tip").await, Some(500_000));
    assert_logic_error(below, &below_json);
    assert_eq!(at_minimum, StatusCode::OK);
}
