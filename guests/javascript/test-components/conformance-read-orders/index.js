// Conformance for world modgate:commerce/read-orders, in JavaScript (the
// Rust twin is guests/test-components/conformance-read-orders).
import { check, expectCode, param } from '../kit/kit.js';
import { ErrorCode } from 'modgate';
import { get, hasPurchased, list } from 'modgate:commerce/orders@1.0.0';

export const lifecycle = {
  activate(s) {
    const [expect, absent] = [param(s, 'expect'), param(s, 'absent')];
    const [buyer, bought, notBought] = [param(s, 'buyer'), param(s, 'bought'), param(s, 'not-bought')];
    const listed = list({ offset: 0, limit: 100 });
    check(listed.some((o) => o.id === expect), 'list contains the expected order');
    check(listed.every((o) => o.id !== absent), "list never shows another tenant's order");
    const got = get(expect);
    check(got.id === expect && got.lines.length > 0, 'get returns the order with its lines');
    expectCode(() => get(absent), ErrorCode.notFound, "another tenant's order");
    check(hasPurchased(buyer, bought), 'has-purchased is true for a paid order line');
    check(!hasPurchased(buyer, notBought), 'has-purchased is false for a product never bought');
  },
};
