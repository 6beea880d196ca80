// Conformance for world modgate:host/serve, in JavaScript (the Rust twin is
// guests/test-components/conformance-serve): every request is answered with
// a JSON echo of what arrived — method, path relative to the mount, query,
// the verified customer, the tenant, the route and the body's length.
import { json, serve } from 'modgate/serve';

export const lifecycle = {
  activate(_settings) {},
};

export const incomingHandler = serve((request) =>
  json(
    200,
    {
      method: request.method,
      path: request.path,
      query: request.query,
      customer: request.customerId,
      tenant: request.tenant,
      route: request.header('modgate-route'),
      body_bytes: request.body.length,
    },
    [['x-conformance', 'serve']],
  ),
);
