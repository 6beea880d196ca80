"""Tests of what the module says (``messages.py``), with the machine's
Python and no host: run ``python3 -m unittest`` in this folder."""

import unittest

import messages


class Messages(unittest.TestCase):
    def test_activation_names_the_module(self):
        self.assertEqual(messages.activated("{{ name }}"), "{{ name }} activated")
{%- if serve %}

    def test_hello_names_the_customer_or_anonymous(self):
        self.assertEqual(messages.hello("{{ name }}", "cust_123"), {"hello": "cust_123", "module": "{{ name }}"})
        self.assertEqual(messages.hello("{{ name }}", None)["hello"], "anonymous")
{%- endif %}
{%- if serve and tables %}

    def test_empty_and_overlong_notes_are_refused(self):
        self.assertIsNotNone(messages.note_problem(""))
        self.assertIsNotNone(messages.note_problem("x" * 501))
        self.assertIsNone(messages.note_problem("é" * 500))
        self.assertIsNone(messages.note_problem("nice"))
{%- endif %}
{%- if slots %}

    def test_the_badge_names_the_module(self):
        self.assertEqual(messages.badge("{{ name }}"), "Hello from {{ name }}")
{%- endif %}
{%- if events %}

    def test_a_price_change_reads_before_and_after(self):
        self.assertEqual(messages.price_changed("p1", "€12.50", "€9.90"), "price of p1 changed: €12.50 -> €9.90")
{%- endif %}
{%- if hooks %}

    def test_spam_is_refused_in_any_case(self):
        self.assertIsNotNone(messages.review_problem("Buy SPAM now"))
        self.assertIsNone(messages.review_problem("Lovely cup"))
{%- endif %}


if __name__ == "__main__":
    unittest.main()
