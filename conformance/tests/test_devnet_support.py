"""Starting `tipforge devnet` for the devnet conformance checks (no tests here).

The binary is the workspace's debug build (`cargo build -p tipforge-cli`, which the Rust test
run has already made in CI), or `$TIPFORGE_BIN`. It is started on free ports and its printed
URLs, token and funded accounts are parsed.
"""

import os
import pathlib
import subprocess
import threading

from algosdk import mnemonic
from algosdk.v2client import algod, indexer

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent


def tipforge_binary() -> pathlib.Path:
    if os.environ.get("TIPFORGE_BIN"):
        return pathlib.Path(os.environ["TIPFORGE_BIN"])
    cmd = ["cargo", "build", "--quiet", "-p", "tipforge-cli", "--bin", "tipforge"]
    subprocess.run(cmd, cwd=ROOT, check=True)
    target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    return target / "debug" / "tipforge"


class Devnet:
    """A running `tipforge devnet` and clients for it."""

    def __init__(self, *args: str):
        cmd = [str(tipforge_binary()), "devnet", "--algod-port", "0", "--indexer-port", "0", *args]
        self.process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.accounts = []  # (address, private key)
        facts = {}
        timer = threading.Timer(60, self.process.kill)
        timer.start()
        try:
            for line in self.process.stdout:
                line = line.strip()
                if line == "ready":
                    break
                key, _, value = line.partition(": ")
                if key == "account":
                    address, _balance, words = value.split(" ", 2)
                    self.accounts.append((address, mnemonic.to_private_key(words)))
                else:
                    facts[key] = value
        finally:
            timer.cancel()
        if "algod" not in facts:
            self.stop()
            raise RuntimeError("tipforge devnet did not start")
        self.algod_url, self.indexer_url, self.token = facts["algod"], facts["indexer"], facts["token"]
        self.genesis_id, self.genesis_hash = facts["genesis-id"], facts["genesis-hash"]

    def algod(self) -> algod.AlgodClient:
        return algod.AlgodClient(self.token, self.algod_url)

    def indexer(self) -> indexer.IndexerClient:
        return indexer.IndexerClient(self.token, self.indexer_url)

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
