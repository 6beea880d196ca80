"""Conformance for world modgate:commerce/read-orders, in Python (the Rust
twin is guests/test-components/conformance-read-orders)."""

from kit import check, expect_code, param
from modgate import ErrorCode, exported
from wit_world import exports
from wit_world.imports import commerce_types, orders


@exported
class Lifecycle(exports.Lifecycle):
    def activate(self, s: str) -> None:
        expect, absent = param(s, "expect"), param(s, "absent")
        buyer, bought, not_bought = param(s, "buyer"), param(s, "bought"), param(s, "not-bought")
        listed = orders.list(commerce_types.Page(offset=0, limit=100))
        check(any(o.id == expect for o in listed), "list contains the expected order")
        check(all(o.id != absent for o in listed), "list never shows another tenant's order")
        got = orders.get(expect)
        check(got.id == expect and len(got.lines) > 0, "get returns the order with its lines")
        expect_code(lambda: orders.get(absent), ErrorCode.NOT_FOUND, "another tenant's order")
        check(orders.has_purchased(buyer, bought), "has-purchased is true for a paid order line")
        check(not orders.has_purchased(buyer, not_bought), "has-purchased is false for a product never bought")
