"""Unit tests of the price-watch-py module's pure parts and the SDK's pure
helpers, run with the machine's Python (``.ci/run``): what needs the host
is covered by the storefront's tests against the real component."""

import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.join(HERE, "..", "sdk"), os.path.join(HERE, "..", "modules", "price-watch-py")]

from cheaper import MAX_BADGE_CHARS, OurPrice, badge_text, is_cheaper, payload  # noqa: E402
from modgate.money import amount, price  # noqa: E402
from modgate.names import namespaced_table  # noqa: E402
from quote import NotAQuote, Quote, one_line, parse  # noqa: E402


class Money(unittest.TestCase):
    def test_amounts_are_written_in_major_units_as_the_rust_sdk_does(self):
        self.assertEqual(amount(1250, "EUR"), "12.50")
        self.assertEqual(amount(990, "EUR"), "9.90")
        self.assertEqual(amount(5, "USD"), "0.05")
        self.assertEqual(amount(-1250, "EUR"), "-12.50")
        self.assertEqual(amount(1500, "JPY"), "1500")
        self.assertEqual(amount(1500, "KWD"), "1.500")
        self.assertEqual(amount(-(2**63), "EUR"), "-92233720368547758.08")

    def test_prices_are_written_as_shoppers_read_them(self):
        self.assertEqual(price(1299, "USD"), "$12.99")
        self.assertEqual(price(9500, "EUR"), "€95.00")
        self.assertEqual(price(1500, "JPY"), "1500 JPY")
        self.assertEqual(price(12345, "CHF"), "123.45 CHF")


class Names(unittest.TestCase):
    def test_table_names_are_namespaced_by_module(self):
        self.assertEqual(namespaced_table("price-watch-py", "quotes"), "mod_price_watch_py_quotes")
        with self.assertRaises(ValueError):
            namespaced_table("Price Watch", "quotes")


class Quotes(unittest.TestCase):
    def read(self, document):
        return parse(document, "p1")

    def test_a_quote_as_the_api_writes_it_is_read(self):
        quote = self.read({"product_id": "p1", "price_minor": 1299, "currency": "USD", "seller": " Example\n\tPrices "})
        self.assertEqual(quote, Quote(1299, "USD", "Example Prices"))

    def test_anything_else_is_not_a_quote_and_says_why(self):
        for document, why in [
            ([], "not a JSON object"),
            ({"price_minor": 1}, "no string `product_id`"),
            ({"product_id": "p2", "price_minor": 1, "currency": "USD", "seller": "x"}, "not 'p1'"),
            ({"product_id": "p1", "price_minor": -1, "currency": "USD", "seller": "x"}, "price_minor"),
            ({"product_id": "p1", "price_minor": True, "currency": "USD", "seller": "x"}, "price_minor"),
            ({"product_id": "p1", "price_minor": 1.5, "currency": "USD", "seller": "x"}, "price_minor"),
            ({"product_id": "p1", "price_minor": 2**63, "currency": "USD", "seller": "x"}, "price_minor"),
            ({"product_id": "p1", "price_minor": 1, "currency": "usd", "seller": "x"}, "ISO 4217"),
            ({"product_id": "p1", "price_minor": 1, "currency": "USD", "seller": " \n "}, "seller"),
            ({"product_id": "p1", "price_minor": 1, "currency": "USD", "seller": "s" * 101}, "seller"),
        ]:
            with self.subTest(document=document):
                with self.assertRaises(NotAQuote) as refused:
                    self.read(document)
                self.assertIn(why, str(refused.exception))

    def test_control_characters_become_spaces(self):
        self.assertEqual(one_line("a\x00b\u2028c  d"), "a b c d")


class Cheaper(unittest.TestCase):
    def test_only_a_lower_price_in_the_same_currency_is_cheaper(self):
        self.assertTrue(is_cheaper(Quote(1299, "USD", "x"), OurPrice(1500, "USD")))
        self.assertFalse(is_cheaper(Quote(1500, "USD", "x"), OurPrice(1500, "USD")))
        self.assertFalse(is_cheaper(Quote(1, "EUR", "x"), OurPrice(1500, "USD")))

    def test_the_payload_is_the_rust_modules(self):
        self.assertEqual(
            payload("p1", Quote(1299, "USD", "Example"), OurPrice(1500, "USD")),
            {"product_id": "p1", "our_price_minor": 1500, "their_price_minor": 1299, "currency": "USD", "seller": "Example"},
        )

    def test_the_badge_names_the_price_and_the_seller(self):
        self.assertEqual(badge_text(Quote(9500, "EUR", "Example Prices")), "Seen for €95.00 at Example Prices")
        self.assertEqual(badge_text(Quote(1299, "USD", "<>")), "Seen for $12.99 elsewhere")
        long = badge_text(Quote(1299, "USD", "s" * 100))
        self.assertTrue(long.endswith("s…") and len(long) == MAX_BADGE_CHARS, long)

    def test_any_seller_gives_a_badge_the_host_accepts(self):
        for seller in ["<script>alert(1)</script>", "<>", "s" * 100, "Ünïcödé 🛒 shop"]:
            for minor in [1299, 2**63 - 1]:
                text = badge_text(Quote(minor, "USD", seller))
                self.assertFalse(set(text) & set("<>"), text)
                self.assertLessEqual(len(text), MAX_BADGE_CHARS, text)


if __name__ == "__main__":
    unittest.main()
