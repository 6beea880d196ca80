"""Conformance for world modgate:commerce/read-products, in Python (the Rust
twin is guests/test-components/conformance-read-products)."""

from kit import check, expect_code, param
from modgate import ErrorCode, exported
from wit_world import exports
from wit_world.imports import commerce_types, products


@exported
class Lifecycle(exports.Lifecycle):
    def activate(self, s: str) -> None:
        expect, absent = param(s, "expect"), param(s, "absent")
        listed = products.list(commerce_types.Page(offset=0, limit=100))
        check(any(p.id == expect for p in listed), "list contains the expected product")
        check(all(p.id != absent for p in listed), "list never shows another tenant's product")
        got = products.get(expect)
        check(got.id == expect and got.name != "", "get returns the product")
        check(len(got.price.currency) == 3, "price carries an ISO currency")
        expect_code(lambda: products.get(absent), ErrorCode.NOT_FOUND, "another tenant's product")
        paged = products.list(commerce_types.Page(offset=0, limit=1))
        check(len(paged) <= 1, "list honours the page limit")
