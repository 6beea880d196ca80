// Conformance for world modgate:host/slots, in JavaScript (the Rust twin is
// guests/test-components/conformance-slots): render answers one widget of
// each type from the catalog, all under the mount, naming the slot, the
// product and the verified customer.
import { badge, link, text, toggleButton } from 'modgate/slots';

export const lifecycle = {
  activate(_settings) {},
};

export const slotProvider = {
  render(request) {
    const product = request.productId ?? 'none';
    const customer = request.customerId ?? 'anonymous';
    return [
      toggleButton('Follow', 'Following', customer !== 'anonymous', `/modules/conformance/follow/${product}`),
      badge(`slot ${request.slot}`, 'info'),
      text(`for ${customer}`),
      link('Details', `/modules/conformance/about?product=${product}`),
    ];
  },
};
