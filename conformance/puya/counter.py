"""Global and local counters with opt-in and close-out."""

from algopy import ARC4Contract, Account, GlobalState, LocalState, Txn, UInt64, arc4


class Counter(ARC4Contract):
    def __init__(self) -> None:
        self.global_count = GlobalState(UInt64(0))
        self.local_count = LocalState(UInt64)

    @arc4.abimethod(allow_actions=["OptIn"])
    def opt_in(self) -> None:
        self.local_count[Txn.sender] = UInt64(0)

    @arc4.abimethod
    def increment(self, by: UInt64) -> UInt64:
        self.global_count.value += by
        self.local_count[Txn.sender] += by
        return self.local_count[Txn.sender]

    @arc4.abimethod(readonly=True)
    def count_of(self, account: Account) -> UInt64:
        value, exists = self.local_count.maybe(account)
        return value if exists else UInt64(0)

    @arc4.abimethod(allow_actions=["CloseOut"])
    def close_out(self) -> None:
        del self.local_count[Txn.sender]
