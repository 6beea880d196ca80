"""Runs a CPU-bound loop whose length is the settings string (the Rust twin
is guests/test-components/spin): the budget tests check fuel is metered, the
benchmarks measure what metering costs."""

from modgate import Error, exported
from wit_world import exports

MASK = (1 << 64) - 1


@exported
class Lifecycle(exports.Lifecycle):
    def activate(self, settings: str) -> None:
        try:
            rounds = int(settings.strip())
        except ValueError:
            raise Error.invalid("settings must be a number of rounds")
        x = 0x9E3779B97F4A7C15
        for i in range(rounds):
            # xorshift, kept to 64 bits as the Rust twin's.
            x ^= (x << 13) & MASK
            x ^= x >> 7
            x ^= (x << 17) & MASK
            x = (x + i) & MASK
        if x == 0:
            raise Error.handler("unreachable state")
