// What the module says, apart from the host calls: no SDK or host imports, so
// `node --test` checks it with the machine's Node.js, without a host.

/** The log line of an install or upgrade. */
export function activated(module) {
  return `${module} activated`;
}
{%- if serve %}

/** The body of `GET /hello`. */
export function hello(module, customer) {
  return { hello: customer || 'anonymous', module };
}
{%- endif %}
{%- if serve and tables %}

/** Why a note cannot be saved, if it cannot (`null` when it can). */
export function noteProblem(text) {
  if (text === '') return 'a note needs some text';
  // Characters, not UTF-16 units: the same limit as the Rust and Python modules.
  if ([...text].length > 500) return 'a note has at most 500 characters';
  return null;
}
{%- endif %}
{%- if slots %}

/** The badge on a product card. */
export function badge(module) {
  return `Hello from ${module}`;
}
{%- endif %}
{%- if events %}

/**
 * The log line (and note) of a price change; `before` and `after` are the
 * event's money, `{ amountMinor, currency }`.
 */
export function priceChanged(product, before, after) {
  return `price of ${product} changed: ${price(before.amountMinor, before.currency)} -> ${price(after.amountMinor, after.currency)}`;
}

// How prices are written, as the Rust and Python SDKs' `money` write them
// (the JavaScript SDK has no such helper). Currencies without minor units,
// and with three (ISO 4217); the rest have two.
const NO_DECIMALS = new Set(['BIF', 'CLP', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW', 'PYG', 'RWF', 'UGX', 'UYI', 'VND', 'VUV', 'XAF', 'XOF']);
const THREE_DECIMALS = new Set(['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND']);
// Currencies written with a symbol in front; the rest get their code after.
const SYMBOLS = new Map([
  ['USD', '$'],
  ['EUR', '€'],
  ['GBP', '£'],
]);

/**
 * `minor` units of `currency` as a shopper reads them: `1299n` USD →
 * `$12.99`, `1500n` JPY → `1500 JPY`. `minor` is a bigint, as the host's
 * s64 arrives (a whole number works too).
 */
export function price(minor, currency) {
  const decimals = NO_DECIMALS.has(currency) ? 0 : THREE_DECIMALS.has(currency) ? 3 : 2;
  const value = BigInt(minor);
  const sign = value < 0n ? '-' : '';
  const magnitude = value < 0n ? -value : value;
  let amount = `${sign}${magnitude}`;
  if (decimals > 0) {
    const unit = 10n ** BigInt(decimals);
    amount = `${sign}${magnitude / unit}.${String(magnitude % unit).padStart(decimals, '0')}`;
  }
  const symbol = SYMBOLS.get(currency);
  return symbol ? `${symbol}${amount}` : `${amount} ${currency}`;
}
{%- endif %}
{%- if hooks %}

/** Why a review is refused, if it is (`null` when it is not). */
export function reviewProblem(body) {
  return body.toLowerCase().includes('spam') ? 'Reviews may not advertise.' : null;
}
{%- endif %}
