"""Conformance for world modgate:host/base, in Python (the Rust twin is
guests/test-components/conformance-base): logging works at every level, an
oversized line is truncated by the host rather than trapping, and settings
arrive unchanged."""

from kit import check, param
from modgate import exported, log, settings
from wit_world import exports


@exported
class Lifecycle(exports.Lifecycle):
    def activate(self, s: str) -> None:
        check(param(s, "echo") == "hello", "settings arrive unchanged")
        check(settings.get() == s, "settings.get answers the same document in every context")
        for level in log.Level:
            log.at(level, "conformance-base: level check")
        # Five times the host's line limit (the Rust twin sends 100 000: a
        # string costs the interpreted guests fuel per character).
        log.info("x" * 10_000)
        log.info("conformance-base: done")
