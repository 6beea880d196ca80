// Tests of what the module says (`messages.js`), with the machine's Node.js
// and no host: run `node --test` in this folder.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as messages from './messages.js';

test('activation names the module', () => {
  assert.equal(messages.activated('{{ name }}'), '{{ name }} activated');
});
{%- if serve %}

test('hello names the customer or anonymous', () => {
  assert.deepEqual(messages.hello('{{ name }}', 'cust_123'), { hello: 'cust_123', module: '{{ name }}' });
  assert.equal(messages.hello('{{ name }}', null).hello, 'anonymous');
});
{%- endif %}
{%- if serve and tables %}

test('empty and overlong notes are refused', () => {
  assert.notEqual(messages.noteProblem(''), null);
  assert.notEqual(messages.noteProblem('x'.repeat(501)), null);
  assert.equal(messages.noteProblem('🙂'.repeat(500)), null);
  assert.equal(messages.noteProblem('nice'), null);
});
{%- endif %}
{%- if slots %}

test('the badge names the module', () => {
  assert.equal(messages.badge('{{ name }}'), 'Hello from {{ name }}');
});
{%- endif %}
{%- if events %}

test('a price change reads before and after', () => {
  const line = messages.priceChanged('p1', { amountMinor: 1250n, currency: 'EUR' }, { amountMinor: 990n, currency: 'EUR' });
  assert.equal(line, 'price of p1 changed: €12.50 -> €9.90');
});

test('prices are written as the other SDKs write them', () => {
  assert.equal(messages.price(1299n, 'USD'), '$12.99');
  assert.equal(messages.price(5n, 'GBP'), '£0.05');
  assert.equal(messages.price(-1250n, 'EUR'), '€-12.50');
  assert.equal(messages.price(1500n, 'JPY'), '1500 JPY');
  assert.equal(messages.price(1500n, 'KWD'), '1.500 KWD');
  assert.equal(messages.price(12345n, 'CHF'), '123.45 CHF');
  assert.equal(messages.price(-(2n ** 63n), 'EUR'), '€-92233720368547758.08');
});
{%- endif %}
{%- if hooks %}

test('spam is refused in any case', () => {
  assert.notEqual(messages.reviewProblem('Buy SPAM now'), null);
  assert.equal(messages.reviewProblem('Lovely cup'), null);
});
{%- endif %}
