"""A hostile Python guest for the budget tests: ``activate`` does what its
settings say — ``loop`` forever, ``allocate`` without bound, ``recurse``
without end (the recursion limit lifted), or ``raise`` an exception it never
catches. Anything else returns normally."""

import sys

from modgate import exported
from wit_world import exports


def down(depth: int) -> int:
    return down(depth + 1) + 1


@exported
class Lifecycle(exports.Lifecycle):
    def activate(self, settings: str) -> None:
        if settings == "loop":
            while True:
                pass
        elif settings == "allocate":
            hoard = []
            while True:
                hoard.append(bytearray(1 << 20))
        elif settings == "recurse":
            sys.setrecursionlimit(1_000_000_000)
            down(0)
        elif settings == "raise":
            raise RuntimeError("hostile: an exception nobody catches")
