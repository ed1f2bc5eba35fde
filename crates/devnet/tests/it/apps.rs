use data_encoding::BASE64;
use reqwest::StatusCode;
use tipforge_algo::group::assign_group;
use tipforge_algo::transaction::{AppCall, OnComplete, Payment, StateSchema};
use tipforge_algo::{Address, AppId, MicroAlgos, Transaction};

use crate::helpers::{TestNet, fresh_key};

const CONTRACT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../contracts/tip_proxy");

fn program(name: &str) -> Vec<u8> {
    let text = std::fs::read_to_string(format!("{CONTRACT}/{name}.b64")).expect("bytecode");
    BASE64.decode(text.trim().as_bytes()).expect("base64")
}

fn abi_string(text: &str) -> Vec<u8> {
    [&(text.len() as u16).to_be_bytes()[..], text.as_bytes()].concat()
}

async fn deploy(net: &TestNet, creator: &tipforge_algo::SecretKey, min_tip: u64) -> AppId {
    let call = AppCall::create(
        program("approval"),
        program("clear"),
        StateSchema::new(4, 2),
        StateSchema::new(0, 0),
    )
    .arg(vec![0xce, 0x61, 0x02, 0x51])
    .arg(creator.address().0.to_vec())
    .arg(creator.address().0.to_vec())
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
    let call =
        AppCall::new(app).arg(vec![0x9e, 0x8c, 0xcd, 0x33]).arg(abi_string("gm")).account(creator);
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
