"""Conformance for world modgate:host/serve, in Python (the Rust twin is
guests/test-components/conformance-serve): every request is answered with a
JSON echo of what arrived — method, path relative to the mount, query, the
verified customer, the tenant, the route and the body's length."""

from modgate.serve import Handler, Request, Response
from modgate import exported
from wit_world import exports


@exported
class Lifecycle(exports.Lifecycle):
    def activate(self, s: str) -> None:
        pass


class IncomingHandler(Handler):
    def serve(self, request: Request) -> Response:
        echo = {
            "method": request.method,
            "path": request.path,
            "query": request.query,
            "customer": request.customer_id,
            "tenant": request.tenant,
            "route": request.header("modgate-route"),
            "body_bytes": len(request.body),
        }
        return Response.json(200, echo).with_header("x-conformance", "serve")
