// Conformance for world modgate:commerce/read-products, in JavaScript (the
// Rust twin is guests/test-components/conformance-read-products).
import { check, expectCode, param } from '../kit/kit.js';
import { ErrorCode } from 'modgate';
import { get, list } from 'modgate:commerce/products@1.0.0';

export const lifecycle = {
  activate(s) {
    const expect = param(s, 'expect');
    const absent = param(s, 'absent');
    const listed = list({ offset: 0, limit: 100 });
    check(listed.some((p) => p.id === expect), 'list contains the expected product');
    check(listed.every((p) => p.id !== absent), "list never shows another tenant's product");
    const got = get(expect);
    check(got.id === expect && got.name !== '', 'get returns the product');
    check(got.price.currency.length === 3, 'price carries an ISO currency');
    expectCode(() => get(absent), ErrorCode.notFound, "another tenant's product");
    check(list({ offset: 0, limit: 1 }).length <= 1, 'list honours the page limit');
  },
};
