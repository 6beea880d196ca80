"""Conformance for world modgate:commerce/read-customers, in Python (the
Rust twin is guests/test-components/conformance-read-customers)."""

from kit import check, expect_code, param
from modgate import ErrorCode, exported
from wit_world import exports
from wit_world.imports import commerce_types, customers


@exported
class Lifecycle(exports.Lifecycle):
    def activate(self, s: str) -> None:
        expect, absent = param(s, "expect"), param(s, "absent")
        listed = customers.list(commerce_types.Page(offset=0, limit=100))
        check(any(c.id == expect for c in listed), "list contains the expected customer")
        check(all(c.id != absent for c in listed), "list never shows another tenant's customer")
        got = customers.get(expect)
        check(got.id == expect and "@" not in got.display_name, "get returns the customer without an address")
        expect_code(lambda: customers.get(absent), ErrorCode.NOT_FOUND, "another tenant's customer")
