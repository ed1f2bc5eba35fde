//! Mapping between the typed transactions of `tipforge-algo` (what is signed and stored) and
//! the evaluator's flat [`Txn`] (what the ledger applies and programs read).

use tipforge_algo::transaction::{
    AppCall, AssetConfig, AssetFreeze, AssetParams, AssetTransfer, BoxRef as AlgoBoxRef, Header,
    OnComplete, Payment, StateSchema,
};
use tipforge_algo::{Address, AppId, GroupId, MicroAlgos, Round, Transaction, TxId, TxnBody};
use tipforge_teal::eval::{AssetConfigFields, BoxRef, OnCompletion, Schema, Txn, TxnType};

fn opt(address: &Option<Address>) -> Address {
    address.unwrap_or_default()
}

fn some(address: Address) -> Option<Address> {
    (!address.is_zero()).then_some(address)
}

/// The evaluator's view of `transaction`, whose id is `id`.
pub fn to_txn(transaction: &Transaction, id: TxId) -> Txn {
    let header = &transaction.header;
    let mut txn = Txn {
        sender: header.sender,
        fee: header.fee.0,
        first_valid: header.first_valid.0,
        last_valid: header.last_valid.0,
        note: header.note.clone(),
        lease: header.lease.unwrap_or_default(),
        rekey_to: opt(&header.rekey_to),
        group: header.group.map(|group| group.0).unwrap_or_default(),
        id: id.0,
        ..Txn::default()
    };
    match &transaction.body {
        TxnBody::Payment(pay) => {
            txn.kind = TxnType::Payment;
            txn.receiver = pay.receiver;
            txn.amount = pay.amount.0;
            txn.close_remainder_to = opt(&pay.close_remainder_to);
        }
        TxnBody::AssetConfig(config) => {
            txn.kind = TxnType::AssetConfig;
            txn.config_asset = config.asset;
            txn.asset_params = config_fields(&config.params);
        }
        TxnBody::AssetTransfer(transfer) => {
            txn.kind = TxnType::AssetTransfer;
            txn.xfer_asset = transfer.asset;
            txn.asset_amount = transfer.amount;
            txn.asset_receiver = transfer.receiver;
            txn.asset_sender = opt(&transfer.revoke_from);
            txn.asset_close_to = opt(&transfer.close_to);
        }
        TxnBody::AssetFreeze(freeze) => {
            txn.kind = TxnType::AssetFreeze;
            txn.freeze_asset = freeze.asset;
            txn.freeze_account = freeze.account;
            txn.asset_frozen = freeze.frozen;
        }
        TxnBody::AppCall(call) => app_call_fields(call, &mut txn),
    }
    txn
}

fn config_fields(params: &AssetParams) -> AssetConfigFields {
    AssetConfigFields {
        total: params.total,
        decimals: u64::from(params.decimals),
        default_frozen: params.default_frozen,
        unit_name: params.unit_name.as_bytes().to_vec(),
        name: params.asset_name.as_bytes().to_vec(),
        url: params.url.as_bytes().to_vec(),
        metadata_hash: params.metadata_hash.unwrap_or_default(),
        manager: opt(&params.manager),
        reserve: opt(&params.reserve),
        freeze: opt(&params.freeze),
        clawback: opt(&params.clawback),
    }
}

fn app_call_fields(call: &AppCall, txn: &mut Txn) {
    txn.kind = TxnType::AppCall;
    txn.app_id = call.app;
    txn.on_completion =
        OnCompletion::from_number(call.on_complete as u64).unwrap_or(OnCompletion::NoOp);
    txn.app_args = call.args.clone();
    txn.accounts = call.accounts.clone();
    txn.foreign_assets = call.foreign_assets.clone();
    txn.foreign_apps = call.foreign_apps.clone();
    txn.boxes = call.boxes.iter().map(|r| box_ref(call, r)).collect();
    txn.global_schema = schema(call.global_schema);
    txn.local_schema = schema(call.local_schema);
    txn.approval_program = call.approval_program.clone();
    txn.clear_program = call.clear_program.clone();
    txn.extra_pages = u64::from(call.extra_pages);
    txn.reject_version = call.reject_version;
}

/// Box index 0 is the called app; k is the k-th foreign app (a bad index reads as app 0, which
/// the well-formedness check has already refused).
fn box_ref(call: &AppCall, reference: &AlgoBoxRef) -> BoxRef {
    let app = match reference.app_index {
        0 => AppId(0),
        k => call.foreign_apps.get(k as usize - 1).copied().unwrap_or_default(),
    };
    BoxRef { app, name: reference.name.clone() }
}

fn schema(schema: StateSchema) -> Schema {
    Schema { num_uint: schema.num_uints, num_byte_slice: schema.num_byte_slices }
}

/// The typed transaction an inner [`Txn`] stands for, as it is recorded in a block.
pub fn from_txn(txn: &Txn) -> Transaction {
    let header = Header {
        sender: txn.sender,
        fee: MicroAlgos(txn.fee),
        first_valid: Round(txn.first_valid),
        last_valid: Round(txn.last_valid),
        note: txn.note.clone(),
        group: (txn.group != [0; 32]).then_some(GroupId(txn.group)),
        lease: (txn.lease != [0; 32]).then_some(txn.lease),
        rekey_to: some(txn.rekey_to),
        ..Header::default()
    };
    let body = match txn.kind {
        TxnType::Payment | TxnType::KeyReg => TxnBody::Payment(Payment {
            receiver: txn.receiver,
            amount: MicroAlgos(txn.amount),
            close_remainder_to: some(txn.close_remainder_to),
        }),
        TxnType::AssetConfig => TxnBody::AssetConfig(AssetConfig {
            asset: txn.config_asset,
            params: asset_params(&txn.asset_params),
        }),
        TxnType::AssetTransfer => TxnBody::AssetTransfer(AssetTransfer {
            asset: txn.xfer_asset,
            amount: txn.asset_amount,
            receiver: txn.asset_receiver,
            revoke_from: some(txn.asset_sender),
            close_to: some(txn.asset_close_to),
        }),
        TxnType::AssetFreeze => TxnBody::AssetFreeze(AssetFreeze {
            asset: txn.freeze_asset,
            account: txn.freeze_account,
            frozen: txn.asset_frozen,
        }),
        TxnType::AppCall => TxnBody::AppCall(app_call(txn)),
    };
    Transaction { header, body }
}

fn asset_params(fields: &AssetConfigFields) -> AssetParams {
    AssetParams {
        total: fields.total,
        decimals: u32::try_from(fields.decimals).unwrap_or(u32::MAX),
        default_frozen: fields.default_frozen,
        unit_name: String::from_utf8_lossy(&fields.unit_name).into_owned(),
        asset_name: String::from_utf8_lossy(&fields.name).into_owned(),
        url: String::from_utf8_lossy(&fields.url).into_owned(),
        metadata_hash: (fields.metadata_hash != [0; 32]).then_some(fields.metadata_hash),
        manager: some(fields.manager),
        reserve: some(fields.reserve),
        freeze: some(fields.freeze),
        clawback: some(fields.clawback),
    }
}

fn app_call(txn: &Txn) -> AppCall {
    let on_complete = match txn.on_completion {
        OnCompletion::NoOp => OnComplete::NoOp,
        OnCompletion::OptIn => OnComplete::OptIn,
        OnCompletion::CloseOut => OnComplete::CloseOut,
        OnCompletion::ClearState => OnComplete::ClearState,
        OnCompletion::UpdateApplication => OnComplete::UpdateApplication,
        OnCompletion::DeleteApplication => OnComplete::DeleteApplication,
    };
    let boxes = txn.boxes.iter().map(|r| AlgoBoxRef {
        app_index: match r.app.0 {
            0 => 0,
            _ => txn.foreign_apps.iter().position(|a| *a == r.app).map_or(0, |p| p as u64 + 1),
        },
        name: r.name.clone(),
    });
    AppCall {
        app: txn.app_id,
        on_complete,
        args: txn.app_args.clone(),
        accounts: txn.accounts.clone(),
        foreign_apps: txn.foreign_apps.clone(),
        foreign_assets: txn.foreign_assets.clone(),
        boxes: boxes.collect(),
        local_schema: StateSchema::new(txn.local_schema.num_uint, txn.local_schema.num_byte_slice),
        global_schema: StateSchema::new(
            txn.global_schema.num_uint,
            txn.global_schema.num_byte_slice,
        ),
        approval_program: txn.approval_program.clone(),
        clear_program: txn.clear_program.clone(),
        extra_pages: u32::try_from(txn.extra_pages).unwrap_or(u32::MAX),
        reject_version: txn.reject_version,
    }
}
