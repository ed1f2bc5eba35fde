"""A per-creator tip jar: ARC-4 tip with an ARC-28 event, as TipProxy does."""

from algopy import ARC4Contract, Global, GlobalState, Txn, UInt64, arc4, gtxn, itxn


class Tipped(arc4.Struct):
    fan: arc4.Address
    amount: arc4.UInt64
    memo: arc4.String


class TipJar(ARC4Contract):
    def __init__(self) -> None:
        self.total = GlobalState(UInt64(0))
        self.count = GlobalState(UInt64(0))
        self.paused = GlobalState(False)

    @arc4.abimethod
    def tip(self, payment: gtxn.PaymentTransaction, memo: arc4.String) -> UInt64:
        assert not self.paused.value, "paused"
        assert payment.receiver == Global.current_application_address
        assert payment.amount >= 1000
        self.total.value += payment.amount
        self.count.value += 1
        itxn.Payment(receiver=Global.creator_address, amount=payment.amount, fee=0).submit()
        arc4.emit(Tipped(arc4.Address(Txn.sender), arc4.UInt64(payment.amount), memo))
        return self.total.value

    @arc4.abimethod
    def pause(self) -> None:
        assert Txn.sender == Global.creator_address
        self.paused.value = True

    @arc4.abimethod(readonly=True)
    def stats(self) -> tuple[UInt64, UInt64, bool]:
        return self.count.value, self.total.value, self.paused.value
