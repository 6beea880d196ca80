"""The competitor price API: ``GET {api}/v1/prices/{product_id}``
(permission ``http:outbound``).

- 200 with a quote: the quote (:func:`quote.parse` checks it);
- 404: the API has no quote for the product — an answer, not a failure;
- anything else (a refusal by the host, a network error, another status, a
  redirect, which the host never follows, a body that is no quote) is a
  failure: logged, and raised so the price change is delivered again."""

import json
from typing import Optional
from urllib.parse import quote as percent_encode

from modgate import Error, http, log
from quote import NotAQuote, Quote, parse

MAX_ANSWER_BYTES = 16 * 1024
"""The largest answer read: a quote is a hundred bytes or so."""


def quote_url(api: str, product_id: str) -> str:
    """The quote URL for ``product_id`` under the base URL ``api`` (no
    trailing ``/``). The id is percent-encoded: always one path segment."""
    return f"{api}/v1/prices/{percent_encode(product_id, safe='-._~')}"


def fetch(api: str, product_id: str) -> Optional[Quote]:
    """Asks the API for its quote for ``product_id``: ``None`` when it has
    none. One operation of the budget."""
    url = quote_url(api, product_id)
    try:
        response = http.get(url, [("accept", "application/json")], max_response_body=MAX_ANSWER_BYTES)
    except http.HttpError as e:
        if e.is_denied():
            log.error(
                f"price API: GET {url} was refused by the host: allowlist the API's host for this module "
                f"(http:outbound), or change the `api` setting: {e}"
            )
        else:
            log.warn(f"price API: GET {url} failed: {e}")
        raise Error.handler(f"price API: {e}") from None
    try:
        return read_answer(response, product_id)
    except NotAQuote as problem:
        log.warn(f"price API: GET {url}: {problem}")
        raise Error.handler(f"price API: GET {url}: {problem}") from None


def read_answer(response: http.Response, product_id: str) -> Optional[Quote]:
    """What the API's answer means: a quote, no quote (404), or
    :class:`NotAQuote` saying what is wrong."""
    if response.status == 200:
        try:
            document = json.loads(response.body)
        except ValueError as e:
            raise NotAQuote(f"the answer is not JSON: {e}") from None
        return parse(document, product_id)
    if response.status == 404:
        return None
    if response.is_redirect():
        where = response.header("location") or "nowhere"
        raise NotAQuote(f"status {response.status}, a redirect to {where!r}, which is not followed: set `api` to where it points")
    raise NotAQuote(f"status {response.status}")
