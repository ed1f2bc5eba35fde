"""Integer, big-integer and byte arithmetic with loops and subroutines."""

from algopy import ARC4Contract, BigUInt, Bytes, UInt64, arc4, op, subroutine, urange


@subroutine
def fib(n: UInt64) -> UInt64:
    a = UInt64(0)
    b = UInt64(1)
    for _i in urange(n):
        a, b = b, a + b
    return a


class MathOps(ARC4Contract):
    @arc4.abimethod
    def fibonacci(self, n: UInt64) -> UInt64:
        return fib(n)

    @arc4.abimethod
    def wide(self, a: UInt64, b: UInt64) -> BigUInt:
        return BigUInt(a) * BigUInt(b) + BigUInt(2**70)

    @arc4.abimethod
    def mix(self, a: UInt64, data: Bytes) -> UInt64:
        shifted = (a << 3) | (a >> 2)
        total = shifted ^ op.btoi(op.extract(op.sha256(data), 0, 8))
        return total % 1_000_003 if total > 10 else op.sqrt(total) + op.exp(UInt64(2), UInt64(5))

    @arc4.abimethod
    def select(self, which: UInt64) -> arc4.String:
        match which:
            case UInt64(0):
                return arc4.String("zero")
            case UInt64(1):
                return arc4.String("one")
            case _:
                return arc4.String("many")
