"""Conformance for world modgate:commerce/read-categories, in Python (the
Rust twin is guests/test-components/conformance-read-categories)."""

from kit import check, expect_code, param
from modgate import ErrorCode, exported
from wit_world import exports
from wit_world.imports import categories, commerce_types


@exported
class Lifecycle(exports.Lifecycle):
    def activate(self, s: str) -> None:
        expect, absent = param(s, "expect"), param(s, "absent")
        listed = categories.list(commerce_types.Page(offset=0, limit=100))
        check(any(c.id == expect for c in listed), "list contains the expected category")
        check(all(c.id != absent for c in listed), "list never shows another tenant's category")
        got = categories.get(expect)
        check(got.id == expect and got.slug != "", "get returns the category")
        expect_code(lambda: categories.get(absent), ErrorCode.NOT_FOUND, "another tenant's category")
