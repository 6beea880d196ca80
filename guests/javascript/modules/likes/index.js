// The likes reference module, in JavaScript: a heart on every product card
// that signed-in customers toggle, with how many like the product.
//
// | where | what |
// |---|---|
// | slot `product-card.actions` | a toggle button ("♡ Like" / "♥ Liked") and, when anyone likes the product, a badge "♥ 3" — at most 2 of the slot's 10 operations |
// | `GET /products/{product_id}` | `{"product_id", "likes", "liked"}` (`liked` is `null` when nobody is signed in) |
// | `POST /products/{product_id}/toggle` | likes or unlikes for the verified customer: `{"product_id", "active", "likes"}` |
//
// The customer is the one the host verified (`request.customerId`); an id
// in the body, query or headers is never read. Built by the guest build
// with componentize-js; `modgate/*` is the JavaScript SDK.
import { errorResponse, json, serve } from 'modgate/serve';
import { badge, toggleButton } from 'modgate/slots';
import { info } from 'modgate/log';
import * as store from './likes.js';

const MOUNT = '/modules/likes';

/** A product id as the storefront writes them: anything else names no product. */
const PRODUCT_ID = /^[A-Za-z0-9_-]{1,64}$/;

export const lifecycle = {
  activate(_settings) {
    info('likes activated');
  },
};

export const slotProvider = {
  render(request) {
    const product = request.productId;
    if (!product || !PRODUCT_ID.test(product)) return [];
    const liked = request.customerId ? store.likes(request.customerId, product) : false;
    const widgets = [toggleButton('♡ Like', '♥ Liked', liked, `${MOUNT}/products/${product}/toggle`)];
    const likes = store.count(product);
    if (likes > 0) widgets.push(badge(`♥ ${likes}`, 'neutral'));
    return widgets;
  },
};

export const incomingHandler = serve((request) => {
  const match = /^\/products\/([^/]+)(\/toggle)?$/.exec(request.path);
  if (!match) return errorResponse(404, 'not-found', 'no such likes endpoint');
  const [, product, toggle] = match;
  if (!PRODUCT_ID.test(product)) {
    return errorResponse(400, 'invalid', "a product id is 1 to 64 letters, digits, '-' or '_'");
  }
  const customer = request.customerId;
  if (request.method === 'GET' && !toggle) {
    return json(200, { product_id: product, likes: store.count(product), liked: customer ? store.likes(customer, product) : null });
  }
  if (request.method === 'POST' && toggle) {
    if (!customer) return errorResponse(401, 'login-required', 'sign in to like products');
    const active = store.toggle(customer, product);
    return json(200, { product_id: product, active, likes: store.count(product) });
  }
  return errorResponse(405, 'method-not-allowed', `${request.method} is not served here`);
});
