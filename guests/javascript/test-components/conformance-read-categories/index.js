// Conformance for world modgate:commerce/read-categories, in JavaScript (the
// Rust twin is guests/test-components/conformance-read-categories).
import { check, expectCode, param } from '../kit/kit.js';
import { ErrorCode } from 'modgate';
import { get, list } from 'modgate:commerce/categories@1.0.0';

export const lifecycle = {
  activate(s) {
    const expect = param(s, 'expect');
    const absent = param(s, 'absent');
    const listed = list({ offset: 0, limit: 100 });
    check(listed.some((c) => c.id === expect), 'list contains the expected category');
    check(listed.every((c) => c.id !== absent), "list never shows another tenant's category");
    const got = get(expect);
    check(got.id === expect && got.slug !== '', 'get returns the category');
    expectCode(() => get(absent), ErrorCode.notFound, "another tenant's category");
  },
};
