"""Writes conformance/fixtures/algo_*.json: transactions, groups, multisig, logic signatures,
mnemonics and addresses made by py-algorand-sdk, which TipForge's Rust tests must reproduce byte
for byte.

Seeded, so the output is stable: `python conformance/gen_algo_fixtures.py [OUT_DIR]`. A pytest
check regenerates into a temporary directory and compares with the committed files.

Each transaction case carries `build`: the inputs in the shape of TipForge's builders (addresses
as text, bytes as base64), plus what py-algorand-sdk made of them (`txn_hex`, `txid`,
`stxn_hex`).
"""

import base64
import json
import warnings
import pathlib
import random
import sys

from algosdk import account, encoding, logic, mnemonic, transaction
from algosdk.transaction import OnComplete, StateSchema, SuggestedParams
from nacl.signing import SigningKey

SEED = 20261203
GENESIS_HASH = bytes(range(1, 33))
GENESIS_ID = "testnet-v1.0"
# `#pragma version 8; int 1` and a longer program with a constant block.
PROGRAM_TRUE = bytes.fromhex("088101")
PROGRAM_LONG = bytes.fromhex("0820020100260105746f74616c311841000431191444224322")

rng = random.Random(SEED)
warnings.simplefilter("ignore", DeprecationWarning)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def rand_bytes(n: int) -> bytes:
    return bytes(rng.getrandbits(8) for _ in range(n))


class Key:
    """An ed25519 key from a seeded seed, in both py-algorand-sdk's and our shapes."""

    def __init__(self, seed: bytes):
        self.seed = seed
        signing = SigningKey(seed)
        self.public = bytes(signing.verify_key)
        self.address = encoding.encode_address(self.public)
        self.sdk_secret = base64.b64encode(seed + self.public).decode()


def new_key() -> Key:
    return Key(rand_bytes(32))


def params(fee=1000, per_byte=0, fv=None, lv=None, gen=GENESIS_ID, gh=GENESIS_HASH):
    fv = fv if fv is not None else rng.randrange(1, 50_000_000)
    lv = lv if lv is not None else fv + rng.randrange(1, 1001)
    flat = per_byte == 0
    sp = SuggestedParams(fee=fee if flat else per_byte, first=fv, last=lv, gh=b64(gh), gen=gen,
                         flat_fee=flat, min_fee=1000)
    ours = {"min_fee": 1000, "fee_per_byte": per_byte, "fv": fv, "lv": lv, "gen": gen, "gh": b64(gh)}
    return sp, ours, (fee if flat else None)


def header_build(sender: Key, ours, flat_fee, note=None, lease=None, rekey=None):
    return {"sender": sender.address, "params": ours, "flat_fee": flat_fee,
            "note": b64(note) if note else None, "lease": b64(lease) if lease else None,
            "rekey": rekey}


def txn_record(name, txn, signer: Key, build, typed=True):
    stxn = txn.sign(signer.sdk_secret)
    return {
        "name": name,
        "typed": typed,
        "signer_seed": signer.seed.hex(),
        "build": build,
        "txn_hex": base64.b64decode(encoding.msgpack_encode(txn)).hex(),
        "txid": txn.get_txid(),
        "sig_b64": stxn.signature,
        "stxn_hex": base64.b64decode(encoding.msgpack_encode(stxn)).hex(),
    }


def payments(sender, other, third):
    cases = []
    sp, ours, flat = params()
    txn = transaction.PaymentTxn(sender.address, sp, other.address, 1_000_000, note=b"tip")
    cases.append(txn_record("pay_note", txn, sender, {**header_build(sender, ours, flat, note=b"tip"),
                            "type": "pay", "receiver": other.address, "amount": 1_000_000, "close": None}))
    sp, ours, flat = params(fee=0)
    txn = transaction.PaymentTxn(sender.address, sp, other.address, 0, close_remainder_to=third.address)
    cases.append(txn_record("pay_close_zero_fee", txn, sender, {**header_build(sender, ours, flat),
                            "type": "pay", "receiver": other.address, "amount": 0, "close": third.address}))
    lease, note = rand_bytes(32), rand_bytes(1024)
    sp, ours, flat = params(fee=2_000_000)
    txn = transaction.PaymentTxn(sender.address, sp, other.address, 2**64 - 1, note=note, lease=lease,
                                 rekey_to=third.address)
    cases.append(txn_record("pay_lease_rekey_max", txn, sender, {
        **header_build(sender, ours, flat, note=note, lease=lease, rekey=third.address),
        "type": "pay", "receiver": other.address, "amount": 2**64 - 1, "close": None}))
    sp, ours, flat = params(per_byte=25)
    txn = transaction.PaymentTxn(sender.address, sp, other.address, 5, note=b"per-byte fee")
    cases.append(txn_record("pay_per_byte_fee", txn, sender, {
        **header_build(sender, ours, flat, note=b"per-byte fee"),
        "type": "pay", "receiver": other.address, "amount": 5, "close": None}))
    sp, ours, flat = params(gen="")
    txn = transaction.PaymentTxn(sender.address, sp, sender.address, 123)
    cases.append(txn_record("pay_self_no_genesis_id", txn, sender, {**header_build(sender, ours, flat),
                            "type": "pay", "receiver": sender.address, "amount": 123, "close": None}))
    return cases


def asset_params_build(**kw):
    keys = ["total", "decimals", "default_frozen", "unit_name", "asset_name", "url", "metadata_hash",
            "manager", "reserve", "freeze", "clawback"]
    out = {key: kw.get(key) for key in keys}
    if out["metadata_hash"] is not None:
        out["metadata_hash"] = b64(out["metadata_hash"])
    return out


def asset_configs(sender, other, third):
    cases = []
    meta = rand_bytes(32)
    full = dict(total=10**15, decimals=6, default_frozen=True, unit_name="TIPS", asset_name="Tip Token",
                url="ipfs://bafkreihs2oha3p6cseznnlhyj3uuntfoi6dmyt6yy3ohhlartox3omaomi#arc3",
                metadata_hash=meta, manager=sender.address, reserve=other.address,
                freeze=third.address, clawback=sender.address)
    sp, ours, flat = params()
    txn = transaction.AssetCreateTxn(sender.address, sp, **full)
    cases.append(txn_record("acfg_create_every_param", txn, sender, {
        **header_build(sender, ours, flat), "type": "acfg", "asset": 0, "asset_params": asset_params_build(**full)}))
    nft = dict(total=1, decimals=0, default_frozen=False, unit_name="TIP", asset_name="Tip #1",
               url="ipfs://bafkreihs2oha3p6cseznnlhyj3uuntfoi6dmyt6yy3ohhlartox3omaomi#arc3",
               metadata_hash=bytes.fromhex("f2d38e0dbfc29132d6acf84ee946ccae4786cc4fd8c6dc73ac119bafb7300e62"),
               manager=sender.address)
    sp, ours, flat = params()
    txn = transaction.AssetCreateTxn(sender.address, sp, **nft)
    cases.append(txn_record("acfg_create_arc3_nft", txn, sender, {
        **header_build(sender, ours, flat), "type": "acfg", "asset": 0, "asset_params": asset_params_build(**nft)}))
    sp, ours, flat = params()
    txn = transaction.AssetConfigTxn(sender.address, sp, index=77, manager=other.address, reserve=None,
                                     freeze=third.address, clawback=None, strict_empty_address_check=False)
    cases.append(txn_record("acfg_reconfigure", txn, sender, {
        **header_build(sender, ours, flat), "type": "acfg", "asset": 77,
        "asset_params": asset_params_build(manager=other.address, freeze=third.address)}))
    sp, ours, flat = params()
    txn = transaction.AssetDestroyTxn(sender.address, sp, 2**40)
    cases.append(txn_record("acfg_destroy", txn, sender, {
        **header_build(sender, ours, flat), "type": "acfg", "asset": 2**40, "asset_params": asset_params_build()}))
    return cases


def asset_transfers(sender, other, third):
    cases = []
    sp, ours, flat = params()
    txn = transaction.AssetTransferTxn(sender.address, sp, other.address, 5, 1234)
    cases.append(txn_record("axfer_transfer", txn, sender, {**header_build(sender, ours, flat), "type": "axfer",
                            "asset": 1234, "receiver": other.address, "amount": 5, "revoke_from": None,
                            "close_to": None}))
    sp, ours, flat = params()
    txn = transaction.AssetOptInTxn(sender.address, sp, 1234)
    cases.append(txn_record("axfer_opt_in", txn, sender, {**header_build(sender, ours, flat), "type": "axfer",
                            "asset": 1234, "receiver": sender.address, "amount": 0, "revoke_from": None,
                            "close_to": None}))
    sp, ours, flat = params()
    txn = transaction.AssetTransferTxn(sender.address, sp, other.address, 1, 99, revocation_target=third.address)
    cases.append(txn_record("axfer_clawback", txn, sender, {**header_build(sender, ours, flat), "type": "axfer",
                            "asset": 99, "receiver": other.address, "amount": 1, "revoke_from": third.address,
                            "close_to": None}))
    sp, ours, flat = params()
    txn = transaction.AssetCloseOutTxn(sender.address, sp, third.address, 99)
    cases.append(txn_record("axfer_close", txn, sender, {**header_build(sender, ours, flat), "type": "axfer",
                            "asset": 99, "receiver": third.address, "amount": 0, "revoke_from": None,
                            "close_to": third.address}))
    sp, ours, flat = params()
    txn = transaction.AssetFreezeTxn(sender.address, sp, 99, other.address, True)
    cases.append(txn_record("afrz_freeze", txn, sender, {**header_build(sender, ours, flat), "type": "afrz",
                            "asset": 99, "account": other.address, "frozen": True}))
    sp, ours, flat = params()
    txn = transaction.AssetFreezeTxn(sender.address, sp, 99, other.address, False)
    cases.append(txn_record("afrz_unfreeze", txn, sender, {**header_build(sender, ours, flat), "type": "afrz",
                            "asset": 99, "account": other.address, "frozen": False}))
    return cases


def app_build(app, on_complete, args=(), accounts=(), apps=(), assets=(), boxes=(), gs=(0, 0), ls=(0, 0),
              approval=b"", clear=b"", extra_pages=0, reject_version=0):
    return {"type": "appl", "app": app, "on_complete": int(on_complete), "args": [b64(a) for a in args],
            "accounts": list(accounts), "foreign_apps": list(apps), "foreign_assets": list(assets),
            "boxes": [[app_id, b64(name)] for app_id, name in boxes], "global_schema": list(gs),
            "local_schema": list(ls), "approval": b64(approval), "clear": b64(clear),
            "extra_pages": extra_pages, "reject_version": reject_version}


def app_calls(sender, other, third):
    cases = []
    sp, ours, flat = params()
    txn = transaction.ApplicationCreateTxn(sender.address, sp, OnComplete.NoOpOC, PROGRAM_LONG, PROGRAM_TRUE,
                                           StateSchema(3, 2), StateSchema(1, 0), app_args=[b"create"],
                                           extra_pages=2)
    cases.append(txn_record("appl_create", txn, sender, {**header_build(sender, ours, flat), **app_build(
        0, 0, args=[b"create"], gs=(3, 2), ls=(1, 0), approval=PROGRAM_LONG, clear=PROGRAM_TRUE,
        extra_pages=2)}))
    args = [b"\x0b\x98\x17\x07", b"", b"\x00" * 40, rand_bytes(100)]
    sp, ours, flat = params()
    txn = transaction.ApplicationNoOpTxn(sender.address, sp, 1001, app_args=args,
                                         accounts=[other.address, third.address], foreign_apps=[2002, 3003],
                                         foreign_assets=[7, 8], boxes=[(1001, b"box"), (3003, b"\x00"), (0, b"")],
                                         note=b"call")
    cases.append(txn_record("appl_noop_every_reference", txn, sender, {
        **header_build(sender, ours, flat, note=b"call"), **app_build(
            1001, 0, args=args, accounts=[other.address, third.address], apps=[2002, 3003], assets=[7, 8],
            boxes=[(1001, b"box"), (3003, b"\x00"), (0, b"")])}))
    for on_complete, name in [(OnComplete.OptInOC, "opt_in"), (OnComplete.CloseOutOC, "close_out"),
                              (OnComplete.ClearStateOC, "clear_state"), (OnComplete.DeleteApplicationOC, "delete")]:
        sp, ours, flat = params()
        txn = transaction.ApplicationCallTxn(sender.address, sp, 1001, on_complete)
        cases.append(txn_record(f"appl_{name}", txn, sender, {**header_build(sender, ours, flat),
                                **app_build(1001, on_complete)}))
    sp, ours, flat = params()
    txn = transaction.ApplicationCallTxn(sender.address, sp, 1001, OnComplete.UpdateApplicationOC,
                                         approval_program=PROGRAM_TRUE, clear_program=PROGRAM_TRUE,
                                         reject_version=3)
    cases.append(txn_record("appl_update_reject_version", txn, sender, {
        **header_build(sender, ours, flat), **app_build(1001, OnComplete.UpdateApplicationOC,
                                                        approval=PROGRAM_TRUE, clear=PROGRAM_TRUE,
                                                        reject_version=3)}))
    return cases


def unmodelled(sender, other):
    """Transactions whose fields TipForge does not model: ids and signatures must still match."""
    cases = []
    sp, _, _ = params()
    txn = transaction.KeyregOfflineTxn(sender.address, sp)
    cases.append(txn_record("keyreg_offline", txn, sender, None, typed=False))
    sp, _, _ = params()
    txn = transaction.KeyregOnlineTxn(sender.address, sp, votekey=b64(rand_bytes(32)),
                                      selkey=b64(rand_bytes(32)), votefst=1, votelst=100000, votekd=100,
                                      sprfkey=b64(rand_bytes(64)))
    cases.append(txn_record("keyreg_online", txn, sender, None, typed=False))
    sp, _, _ = params()
    txn = transaction.ApplicationCallTxn(sender.address, sp, 1001, OnComplete.NoOpOC, foreign_apps=[2002],
                                         accounts=[other.address], use_access=True)
    cases.append(txn_record("appl_access_list", txn, sender, None, typed=False))
    return cases


def groups(keys):
    out = []
    for size in (2, 3, 16):
        members, builds, signers = [], [], []
        for i in range(size):
            sender = keys[i % len(keys)]
            sp, ours, flat = params(fv=1000, lv=2000)
            if i % 2 == 0:
                txn = transaction.PaymentTxn(sender.address, sp, keys[(i + 1) % len(keys)].address, 1000 + i)
                build = {**header_build(sender, ours, flat), "type": "pay",
                         "receiver": keys[(i + 1) % len(keys)].address, "amount": 1000 + i, "close": None}
            else:
                txn = transaction.ApplicationNoOpTxn(sender.address, sp, 1001, app_args=[bytes([i])])
                build = {**header_build(sender, ours, flat), **app_build(1001, 0, args=[bytes([i])])}
            members.append(txn)
            builds.append(build)
            signers.append(sender)
        gid = transaction.calculate_group_id(members)
        for txn in members:
            txn.group = gid
        out.append({
            "name": f"group_of_{size}",
            "group_id_b64": b64(gid),
            "members": [{"signer_seed": s.seed.hex(), "build": b, "txid": t.get_txid(),
                         "stxn_hex": base64.b64decode(encoding.msgpack_encode(t.sign(s.sdk_secret))).hex()}
                        for t, b, s in zip(members, builds, signers)],
        })
    return out


def multisigs(keys, outsider):
    out = []
    for threshold, signer_idx, rekeyed in [(2, [0, 2], False), (1, [1], False), (3, [0, 1, 2], True)]:
        msig = transaction.Multisig(1, threshold, [k.address for k in keys[:3]])
        sender_addr = outsider.address if rekeyed else msig.address()
        sp, ours, flat = params()
        txn = transaction.PaymentTxn(sender_addr, sp, outsider.address, 42)
        mtx = transaction.MultisigTransaction(txn, msig)
        for i in signer_idx:
            mtx.sign(keys[i].sdk_secret)
        out.append({
            "name": f"msig_{threshold}_of_3" + ("_rekeyed" if rekeyed else ""),
            "threshold": threshold,
            "key_seeds": [k.seed.hex() for k in keys[:3]],
            "signers": signer_idx,
            "address": msig.address(),
            "build": {**header_build(Key(bytes(32)), ours, flat), "sender": sender_addr, "type": "pay",
                      "receiver": outsider.address, "amount": 42, "close": None},
            "txid": txn.get_txid(),
            "stxn_hex": base64.b64decode(encoding.msgpack_encode(mtx)).hex(),
        })
    return out


def logicsigs(keys, receiver):
    out = []

    def record(name, lsig_account, sender_addr, kind, extra):
        sp, ours, flat = params()
        txn = transaction.PaymentTxn(sender_addr, sp, receiver.address, 7)
        ltx = transaction.LogicSigTransaction(txn, lsig_account)
        assert ltx.verify()
        out.append({"name": name, "kind": kind, "program_b64": b64(lsig_account.lsig.logic),
                    "args_b64": [b64(a) for a in (lsig_account.lsig.args or [])],
                    "build": {**header_build(Key(bytes(32)), ours, flat), "sender": sender_addr, "type": "pay",
                              "receiver": receiver.address, "amount": 7, "close": None},
                    "txid": txn.get_txid(),
                    "stxn_hex": base64.b64decode(encoding.msgpack_encode(ltx)).hex(), **extra})

    escrow = transaction.LogicSigAccount(PROGRAM_TRUE, [b"arg0", b"\x01\x02"])
    record("lsig_contract_account", escrow, escrow.address(), "contract", {})
    delegated = transaction.LogicSigAccount(PROGRAM_LONG)
    delegated.sign(keys[0].sdk_secret)
    record("lsig_delegated_single", delegated, keys[0].address, "single", {"key_seeds": [keys[0].seed.hex()]})
    msig = transaction.Multisig(1, 2, [k.address for k in keys[:3]])
    bound = transaction.LogicSigAccount(PROGRAM_TRUE)
    bound.sign_multisig(msig, keys[0].sdk_secret)
    bound.append_to_multisig(keys[1].sdk_secret)
    record("lsig_delegated_lmsig", bound, msig.address(), "lmsig",
           {"key_seeds": [k.seed.hex() for k in keys[:3]], "threshold": 2, "signers": [0, 1]})
    # The original multisig delegation ("Program" prefix, `msig`), which the SDK no longer makes.
    legacy_msig = transaction.Multisig(1, 1, [k.address for k in keys[:2]])
    legacy_msig.subsigs[1].signature = SigningKey(keys[1].seed).sign(b"Program" + PROGRAM_TRUE).signature
    legacy = transaction.LogicSigAccount(PROGRAM_TRUE)
    legacy.lsig.msig = legacy_msig
    record("lsig_delegated_legacy_msig", legacy, legacy_msig.address(), "msig",
           {"key_seeds": [k.seed.hex() for k in keys[:2]], "threshold": 1, "signers": [1]})
    return out


def accounts():
    seeds = [bytes(32), bytes([0xff] * 32)] + [rand_bytes(32) for _ in range(8)]
    keys = []
    for seed in seeds:
        key = Key(seed)
        words = mnemonic.from_private_key(key.sdk_secret)
        assert mnemonic.to_private_key(words) == key.sdk_secret
        keys.append({"seed_hex": seed.hex(), "address": key.address, "mnemonic": words,
                     "public_key_hex": key.public.hex()})
    apps = [{"app_id": app_id, "address": logic.get_application_address(app_id)}
            for app_id in (1, 1001, 2**32, 2**64 - 1, rng.randrange(1, 2**63))]
    programs = [{"program_b64": b64(p), "address": transaction.LogicSigAccount(p).address()}
                for p in (PROGRAM_TRUE, PROGRAM_LONG)]
    msig_keys = [Key(bytes.fromhex(k["seed_hex"])).address for k in keys[:4]]
    multisig = [{"threshold": t, "addresses": msig_keys[:n],
                 "address": transaction.Multisig(1, t, msig_keys[:n]).address()}
                for t, n in ((1, 1), (1, 2), (2, 3), (3, 4))]
    return {"keys": keys, "apps": apps, "programs": programs, "multisig": multisig}


def main(out_dir: pathlib.Path):
    keys = [new_key() for _ in range(4)]
    sender, other, third, outsider = keys
    txns = (payments(sender, other, third) + asset_configs(sender, other, third)
            + asset_transfers(sender, other, third) + app_calls(sender, other, third)
            + unmodelled(sender, other))
    files = {
        "algo_transactions.json": txns,
        "algo_groups.json": groups(keys),
        "algo_multisig.json": multisigs(keys, outsider),
        "algo_logicsig.json": logicsigs(keys, outsider),
        "algo_accounts.json": accounts(),
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        doc = {"generator": "conformance/gen_algo_fixtures.py", "seed": SEED, "cases": content}
        (out_dir / name).write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main(pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else pathlib.Path(__file__).parent / "fixtures")
