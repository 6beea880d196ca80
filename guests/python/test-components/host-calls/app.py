"""Calls ``products.get`` as many times as the settings say (the Rust twin
is guests/test-components/host-calls): the budget tests count the host
operations, the benchmarks time one host call. Running out of operations is
a typed error the guest handles: it stops early and says so."""

from modgate import Error, ErrorCode, exported, log
from wit_world import exports
from wit_world.imports import products


@exported
class Lifecycle(exports.Lifecycle):
    def activate(self, settings: str) -> None:
        try:
            calls = int(settings.strip())
        except ValueError:
            raise Error.invalid("settings must be a number of calls")
        for done in range(calls):
            try:
                products.get("p-1")
            except Exception as e:
                if Error.of(e).code == ErrorCode.BUDGET_EXHAUSTED:
                    log.info(f"budget exhausted after {done} calls; stopping early")
                    return
                raise
