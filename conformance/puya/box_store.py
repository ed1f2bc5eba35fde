"""Boxes: a keyed map of notes and a single counter box."""

from algopy import ARC4Contract, Box, BoxMap, Bytes, String, Txn, UInt64, arc4


class BoxStore(ARC4Contract):
    def __init__(self) -> None:
        self.notes = BoxMap(arc4.Address, String, key_prefix=b"n")
        self.writes = Box(UInt64, key=b"writes")

    @arc4.abimethod
    def put(self, note: String) -> UInt64:
        self.notes[arc4.Address(Txn.sender)] = note
        self.writes.value = self.writes.get(default=UInt64(0)) + 1
        return self.writes.value

    @arc4.abimethod(readonly=True)
    def get(self, owner: arc4.Address) -> String:
        return self.notes.get(owner, default=String("none"))

    @arc4.abimethod
    def remove(self) -> bool:
        key = arc4.Address(Txn.sender)
        if key in self.notes:
            del self.notes[key]
            return True
        return False

    @arc4.abimethod(readonly=True)
    def raw(self) -> Bytes:
        return self.writes.key
