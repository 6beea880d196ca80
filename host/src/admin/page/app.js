// The operator's admin page: plain JavaScript, no build step, no framework.
//
// Everything shown comes from the admin API (/api/v1/admin/…), called with
// the operator token as a bearer header. Module names, descriptions,
// manifests and settings are untrusted text: the DOM is built with
// createElement and text nodes only, never from markup, and the page's
// Content-Security-Policy runs nothing but this file.
//
// State lives in the few variables below; each view has an `open…`
// function that loads what it shows and a `render…` function that draws it.
// Building the DOM (dom.js), the settings form (settings-form.js), the
// charts (charts.js) and a module's staged version and last reload
// (hot-reload.js) are modules of their own.
import { $, cells, el, fillBody, fillList } from './dom.js';
import { drawChart } from './charts.js';
import { renderLastReload, renderStaged } from './hot-reload.js';
import { readSettings, renderSettingsForm } from './settings-form.js';

const TOKEN_KEY = 'modgate-operator-token';
const TENANT_KEY = 'modgate-tenant';
const VIEWS = ['signin-view', 'modules-view', 'module-view', 'install-view', 'audit-view'];

let token = sessionStorage.getItem(TOKEN_KEY) || '';
let tenant = sessionStorage.getItem(TENANT_KEY) || '';
let current = null; // the module view's module, as GET …/modules/{module} answers
let pendingReview = null; // the install review shown, as POST …/reviews answers
let busy = 0; // actions under way (document.body's data-busy, for tests and the cursor)

function show(view) {
  for (const id of VIEWS) $(id).hidden = id !== view;
  $('session').hidden = view === 'signin-view';
}

function flash(message, isError) {
  $('flash').textContent = message;
  $('flash').className = isError ? 'flash error' : 'flash';
  $('flash').hidden = !message;
}

function showProblems(listId, failure) {
  const problems = failure.problems && failure.problems.length ? failure.problems : [failure.message];
  fillList(listId, problems);
  $(listId).hidden = false;
}

// ---- Calling the API ----

class ApiFailure extends Error {
  constructor(status, body) {
    super((body && body.message) || `the admin API answered ${status}`);
    this.status = status;
    this.code = (body && body.error) || '';
    this.problems = (body && body.problems) || [];
  }
}

/** Calls the admin API; JSON in and out, or a FormData upload. */
async function api(method, path, body) {
  const init = { method, headers: { Authorization: `Bearer ${token}` }, cache: 'no-store', credentials: 'omit' };
  if (body instanceof FormData) {
    init.body = body;
  } else if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(`/api/v1/admin${path}`, init);
  setDevMode(response.headers.get('x-modgate-dev-mode') === 'on');
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (response.status === 401) signOut();
  if (!response.ok) throw new ApiFailure(response.status, data);
  return data;
}

const tenantPath = () => `/tenants/${encodeURIComponent(tenant)}`;
const modulePath = (module) => `${tenantPath()}/modules/${encodeURIComponent(module)}`;

/** An event handler that reports its failure and keeps data-busy up to date. */
function action(handler) {
  return async (event) => {
    busy += 1;
    document.body.dataset.busy = String(busy);
    try {
      await handler(event);
    } catch (failure) {
      flash(failure.problems && failure.problems.length ? `${failure.message}: ${failure.problems.join('; ')}` : failure.message, true);
    } finally {
      busy -= 1;
      document.body.dataset.busy = String(busy);
    }
  };
}

/** Before signing in: the OpenAPI document needs no token, and every admin
 * response says whether dev mode is on. */
async function probeDevMode() {
  const response = await fetch('/api/v1/admin/openapi.json', { method: 'HEAD', cache: 'no-store', credentials: 'omit' });
  setDevMode(response.headers.get('x-modgate-dev-mode') === 'on');
}

function setDevMode(on) {
  $('dev-banner').hidden = !on;
  document.body.classList.toggle('dev-mode', on);
}

// ---- Signing in, tenants ----

async function signIn(event) {
  event.preventDefault();
  token = $('token-input').value.trim();
  await loadHost();
  sessionStorage.setItem(TOKEN_KEY, token);
  $('token-input').value = '';
  flash('');
  await openModules();
}

function signOut() {
  token = '';
  current = null;
  pendingReview = null;
  sessionStorage.removeItem(TOKEN_KEY);
  show('signin-view');
}

async function loadHost() {
  const host = await api('GET', '/host');
  setDevMode(host.dev_mode);
  const tenants = host.tenants.includes(tenant) || !tenant ? host.tenants : [...host.tenants, tenant];
  if (!tenants.includes(tenant)) tenant = tenants[0] || '';
  sessionStorage.setItem(TENANT_KEY, tenant);
  $('tenant-select').replaceChildren(...tenants.map((id) => el('option', { value: id, selected: id === tenant }, id)));
  $('no-tenant').hidden = tenants.length > 0;
  document.title = `modgate admin ${host.version}`;
}

async function chooseTenant(id) {
  tenant = id;
  sessionStorage.setItem(TENANT_KEY, tenant);
  await openModules();
}

// ---- The module list ----

function breakerText(breaker) {
  if (breaker.state === 'open') return `open (retry in ${breaker.retry_in_seconds} s)`;
  if (breaker.state === 'closed' && breaker.consecutive_failures) return `closed (${breaker.consecutive_failures} failures in a row)`;
  return breaker.state;
}

function stateText(enabled) {
  return el('span', { class: enabled ? 'state enabled' : 'state disabled' }, enabled ? 'enabled' : 'disabled');
}

async function openModules() {
  show('modules-view');
  current = null;
  const modules = tenant ? await api('GET', `${tenantPath()}/modules`) : [];
  const rows = modules.map((m) =>
    el('tr', { 'data-testid': 'module-row', 'data-module': m.module },
      el('td', {}, el('button', { type: 'button', class: 'link', 'data-testid': 'open-module', onclick: action(() => openModule(m.module)) }, m.module)),
      el('td', {}, m.version),
      el('td', {}, stateText(m.enabled)),
      el('td', {}, breakerText(m.breaker)),
      el('td', {}, m.granted.join(', '))));
  fillBody('module-list', rows, tenant ? 'No module installed for this tenant.' : 'Choose a tenant.');
}

// ---- One module ----

async function openModule(name) {
  current = await api('GET', modulePath(name));
  show('module-view');
  renderModule(current);
  renderSettingsForm(current.settings_schema, current.settings);
  await Promise.all([loadUsage(), loadLeastPrivilege()]);
}

async function reloadModule() {
  current = await api('GET', modulePath(current.module));
  renderModule(current);
}

function renderModule(m) {
  $('module-title').textContent = `${m.module} (tenant ${m.tenant})`;
  $('module-description').textContent = m.description || '';
  $('module-state').replaceChildren(stateText(m.enabled));
  $('module-state').dataset.enabled = String(m.enabled);
  $('module-version').textContent = m.version;
  $('module-breaker').textContent = breakerText(m.breaker) + (m.breaker_reset_at ? ` — last reset ${m.breaker_reset_at}` : '');
  $('module-installed').textContent = `${m.installed_at}, last changed ${m.updated_at}`;
  $('module-deliveries').textContent = `${m.deliveries.pending} pending, ${m.deliveries.delivered} delivered, ${m.deliveries.dead} dead`;
  $('toggle-enabled').textContent = m.enabled ? 'Disable' : 'Enable';
  renderLastReload(m.last_reload);
  renderStaged(m);
  fillBody('module-permissions', m.granted.map((p) =>
    el('tr', { 'data-testid': 'permission-row', 'data-permission': p.permission },
      el('td', {}, p.permission), el('td', {}, riskBadge(p.risk)), el('td', {}, p.summary),
      el('td', {}, m.acknowledged.includes(p.permission) ? 'yes' : ''))), 'No permission granted.');
  fillBody('module-routes', m.routes.map((r) => approvalRow('route', r.route, r.approved, [])), 'No routes.');
  fillBody('module-hooks', m.hooks.map((h) => {
    const breaker = m.hook_breakers.find((b) => b.hook === h.hook);
    return approvalRow('hook', h.hook, h.approved, [breaker ? breakerText(breaker.breaker) : '']);
  }), 'No hooks.');
  fillBody('module-tables', m.tables.map(tableRow), 'No tables.');
  fillList('module-subscriptions', m.subscriptions.map((s) => `receives ${s}`), 'receives no events');
  fillList('module-allowlist', m.outbound_allowlist.map((a) => `may call ${a}`), 'outbound HTTP: every request refused (empty allowlist)');
}

function riskBadge(risk) {
  return el('span', { class: `risk risk-${risk}` }, risk);
}

/** A route or hook with its approval and the button that flips it. */
function approvalRow(kind, subject, approved, extra) {
  const list = kind === 'route' ? 'routes' : 'hooks';
  const verb = approved ? 'revoke' : 'approve';
  return el('tr', { 'data-testid': `${kind}-row`, 'data-subject': subject, 'data-approved': String(approved) },
    el('td', {}, el('code', {}, subject)),
    el('td', {}, el('span', { class: approved ? 'approved' : 'unapproved' }, approved ? 'approved' : 'not approved')),
    extra.map((text) => el('td', {}, text)),
    el('td', {}, el('button', { type: 'button', 'data-testid': `${verb}-${kind}`, onclick: action(() => changeApproval(verb, { [list]: [subject] })) },
      approved ? 'Revoke' : 'Approve')));
}

function tableRow(t) {
  const columns = t.columns.map(([name, type, nullable]) => `${name} ${type}${nullable ? '' : ' not null'}`).join(', ');
  const drift = t.drift.length
    ? el('ul', { class: 'drift' }, t.drift.map((d) => el('li', {}, driftText(d))))
    : el('span', { class: 'none' }, 'none');
  return el('tr', { 'data-drift': String(t.drift.length > 0) }, el('td', {}, t.name), el('td', {}, t.physical), el('td', {}, columns), el('td', {}, drift));
}

function driftText(problem) {
  const { problem: kind, ...details } = problem;
  const parts = Object.entries(details).map(([key, value]) => `${key} ${Array.isArray(value) ? value.join(', ') : value}`);
  return [kind.replaceAll('-', ' '), ...parts].join(', ');
}

async function changeApproval(verb, body) {
  const answer = await api('POST', `${modulePath(current.module)}/${verb}`, body);
  flash(answer.changed.length ? `${verb === 'approve' ? 'Approved' : 'Revoked'}: ${answer.changed.join(', ')}` : 'Nothing changed.');
  await reloadModule();
}

/** The staged version serves from now on, every route and hook it declares approved. */
async function promote() {
  const answer = await api('POST', `${modulePath(current.module)}/promote`, { all: true });
  const approved = answer.approved.length ? `; approved: ${answer.approved.join(', ')}` : '';
  flash(`Promoted ${answer.module} ${answer.previous_version} → ${answer.version}${approved}.`);
  await reloadModule();
  // The new version may declare other settings.
  renderSettingsForm(current.settings_schema, current.settings);
}

async function toggleEnabled() {
  const verb = current.enabled ? 'disable' : 'enable';
  await api('POST', `${modulePath(current.module)}/${verb}`);
  flash(`${current.module} ${verb}d.`);
  await reloadModule();
}

async function resetBreaker(path, what) {
  await api('POST', `${modulePath(current.module)}/${path}`);
  flash(`${what} of ${current.module}: reset.`);
  await reloadModule();
}

async function uninstall() {
  const purge = $('uninstall-purge').checked;
  const consequence = purge ? 'and DROP its tables and rows' : '(its tables are kept)';
  if (!window.confirm(`Uninstall ${current.module} for tenant ${tenant} ${consequence}?`)) return;
  await api('DELETE', `${modulePath(current.module)}${purge ? '?purge=true' : ''}`);
  flash(`${current.module} uninstalled.`);
  await openModules();
}

async function saveSettings(event) {
  event.preventDefault();
  $('settings-problems').hidden = true;
  try {
    await api('PUT', `${modulePath(current.module)}/settings`, readSettings(current));
  } catch (failure) {
    if (failure.status !== 422) throw failure;
    showProblems('settings-problems', failure);
    flash('The settings were refused: see the problems next to the form.', true);
    return;
  }
  flash(`Settings of ${current.module} saved.`);
  await reloadModule();
  renderSettingsForm(current.settings_schema, current.settings);
}

// ---- Usage charts ----

const minuteKey = (millis) => `${new Date(millis).toISOString().slice(0, 16)}Z`;

async function loadUsage() {
  const minutes = Number($('usage-minutes').value);
  const points = await api('GET', `${modulePath(current.module)}/usage?minutes=${minutes}`);
  const total = (key) => points.reduce((sum, point) => sum + point[key], 0);
  $('usage-total').textContent = String(total('invocations'));
  $('usage-total').dataset.total = String(total('invocations'));
  $('usage-errors').textContent = String(total('errors'));
  $('usage-errors').dataset.total = String(total('errors'));
  const end = Math.floor(Date.now() / 60000) * 60000;
  const axis = Array.from({ length: minutes }, (_, i) => minuteKey(end - (minutes - 1 - i) * 60000));
  const byMinute = new Map(points.map((point) => [point.minute, point]));
  const series = (key) => axis.map((minute) => (byMinute.has(minute) ? byMinute.get(minute)[key] : 0));
  drawChart($('chart-invocations'), axis, [
    { label: 'invocations', color: '#1d4ed8', values: series('invocations') },
    { label: 'errors', color: '#b91c1c', values: series('errors') }]);
  drawChart($('chart-latency'), axis, [
    { label: 'p50', color: '#15803d', values: series('latency_p50_ms') },
    { label: 'p95', color: '#b45309', values: series('latency_p95_ms') },
    { label: 'p99', color: '#b91c1c', values: series('latency_p99_ms') }]);
  drawChart($('chart-fuel'), axis, [{ label: 'fuel', color: '#6d28d9', values: series('fuel') }]);
  drawChart($('chart-ops'), axis, [{ label: 'ops', color: '#0f766e', values: series('ops') }]);
}

// ---- Least privilege ----

async function loadLeastPrivilege() {
  const days = Number($('lp-days').value) || 30;
  const report = await api('GET', `${modulePath(current.module)}/least-privilege?days=${days}`);
  $('lp-since').textContent = `Last ${report.window_days} days, since ${report.since}.`;
  const used = report.used.map((u) =>
    el('tr', { 'data-testid': 'used-permission', 'data-permission': u.permission, class: report.declared.includes(u.permission) ? 'used' : 'undeclared' },
      el('td', {}, u.permission, report.declared.includes(u.permission) ? '' : ' (used but not declared)'),
      el('td', {}, String(u.calls)),
      el('td', {}, u.operations.map((o) => `${o.operation} ×${o.calls}`).join(', '))));
  const unused = report.unused.map((p) =>
    el('tr', { 'data-testid': 'unused-permission', 'data-permission': p, class: 'unused' },
      el('td', {}, p), el('td', {}, '0'), el('td', {}, `declared but never used in ${report.window_days} days: remove it`)));
  fillBody('lp-permissions', [...used, ...unused], 'No permission declared or used.');
  $('lp-line').textContent = report.minimal_manifest_line;
}

// ---- Installing: upload, review, confirm ----

function openInstall() {
  show('install-view');
  $('upload-problems').hidden = true;
}

async function requestReview(event) {
  event.preventDefault();
  $('upload-problems').hidden = true;
  const manifest = $('manifest-file').files[0];
  const component = $('component-file').files[0];
  if (!manifest || !component) {
    flash('Choose the module.toml and the .wasm component.', true);
    return;
  }
  const upload = new FormData();
  upload.append('manifest', manifest, manifest.name);
  upload.append('component', component, component.name);
  $('review-button').disabled = true;
  flash('Checking and compiling the component…');
  try {
    pendingReview = await api('POST', `${tenantPath()}/reviews`, upload);
  } catch (failure) {
    showProblems('upload-problems', failure);
    throw failure;
  } finally {
    $('review-button').disabled = false;
  }
  flash('');
  renderReview(pendingReview);
}

function renderReview(view) {
  const r = view.review;
  $('review').hidden = false;
  $('review').dataset.reviewId = view.review_id;
  $('review-problems').hidden = true;
  $('review-title').textContent = `Review: ${r.module} ${r.version} for tenant ${r.tenant}`;
  $('review-description').textContent = r.description || '';
  $('review-upgrade').hidden = !r.installed_version;
  $('review-upgrade').textContent = r.installed_version
    ? `Upgrade from ${r.installed_version}${r.revokes_approvals ? ': its route and hook approvals are revoked' : ''}.`
    : '';
  $('review-dev-mode').hidden = !r.dev_mode;
  fillBody('review-permissions', r.permissions.map((p, i) =>
    el('tr', { 'data-testid': 'review-permission', 'data-permission': p.permission, 'data-risk': p.risk, 'data-needs-acknowledgement': String(p.requires_acknowledgement) },
      el('td', {}, el('input', { type: 'checkbox', id: `grant-${i}`, checked: true, 'data-permission': p.permission })),
      el('td', {}, el('label', { for: `grant-${i}` }, p.permission)),
      el('td', {}, riskBadge(p.risk)),
      el('td', {}, p.summary),
      el('td', {}, [p.requires_acknowledgement ? 'needs acknowledgement' : '', p.granted_now ? 'granted now' : ''].filter(Boolean).join('; ')))),
  'It asks for no permission.');
  $('acknowledge-risk').checked = false;
  $('acknowledge-line').hidden = !r.permissions.some((p) => p.requires_acknowledgement);
  fillList('review-tables', r.tables.map((t) =>
    el('li', { class: t.destructive ? 'destructive' : '', 'data-destructive': String(t.destructive) },
      t.destructive ? el('strong', {}, 'DESTRUCTIVE (data would be lost): ') : '', t.change)), 'no table changes');
  $('allow-destructive').checked = false;
  $('allow-destructive-line').hidden = !r.tables.some((t) => t.destructive);
  fillList('review-routes', r.routes.map((route) => el('li', { 'data-testid': 'review-route' }, el('code', {}, route))));
  fillList('review-hooks', r.hooks.map((hook) => el('li', {}, el('code', {}, hook))));
  fillList('review-slots', r.slots);
  fillList('review-subscriptions', r.subscriptions);
  fillList('review-allowlist', r.outbound_allowlist, 'empty: every outbound request refused');
  fillList('review-warnings', r.warnings, 'no warnings');
  $('review-component').textContent =
    `Component: ${r.component_bytes} bytes, SHA-256 ${r.component_hash}. Confirm within ${Math.round(view.expires_in_seconds / 60)} minutes.`;
}

async function confirmReview() {
  const grants = [...$('review-permissions').querySelectorAll('input[type=checkbox]')]
    .filter((box) => box.checked)
    .map((box) => box.dataset.permission);
  const choices = { grants, acknowledge_risk: $('acknowledge-risk').checked, allow_destructive: $('allow-destructive').checked };
  let outcome;
  try {
    outcome = await api('POST', `${tenantPath()}/reviews/${encodeURIComponent(pendingReview.review_id)}/confirm`, choices);
  } catch (failure) {
    if (failure.status === 404) closeReview();
    showProblems(failure.status === 404 ? 'upload-problems' : 'review-problems', failure);
    throw failure;
  }
  closeReview();
  flash(`Installed ${outcome.module} ${outcome.version}: its routes and hooks start unapproved.`);
  await loadHost();
  await openModule(outcome.module);
}

async function discardReview() {
  await api('DELETE', `${tenantPath()}/reviews/${encodeURIComponent(pendingReview.review_id)}`);
  closeReview();
  flash('Review discarded: nothing was installed.');
}

function closeReview() {
  pendingReview = null;
  $('review').hidden = true;
  $('upload-form').reset();
}

// ---- Audit log ----

async function openAudit() {
  show('audit-view');
  const entries = await api('GET', `/audit-log${tenant ? `?tenant=${encodeURIComponent(tenant)}` : ''}`);
  fillBody('audit-log', entries.map((e) => {
    const row = cells(e.at, e.actor, e.action, e.module || '', JSON.stringify(e.detail));
    row.dataset.testid = 'audit-entry';
    row.dataset.action = e.action;
    return row;
  }), 'Nothing audited yet.');
}

// ---- Wiring ----

/** A view opened from the navigation: the last action's message goes. */
function navigate(open) {
  return (event) => {
    flash('');
    return open(event);
  };
}

function start() {
  $('signin-form').addEventListener('submit', action(signIn));
  $('sign-out').addEventListener('click', signOut);
  $('tenant-select').addEventListener('change', action((event) => chooseTenant(event.target.value)));
  $('tenant-use').addEventListener('click', action(() => chooseTenant($('tenant-input').value.trim())));
  $('nav-modules').addEventListener('click', action(navigate(openModules)));
  $('nav-install').addEventListener('click', navigate(openInstall));
  $('nav-audit').addEventListener('click', action(navigate(openAudit)));
  $('audit-refresh').addEventListener('click', action(openAudit));
  $('toggle-enabled').addEventListener('click', action(toggleEnabled));
  $('breaker-reset').addEventListener('click', action(() => resetBreaker('breaker/reset', 'The breaker')));
  $('hook-breakers-reset').addEventListener('click', action(() => resetBreaker('hook-breakers/reset', 'The hook breakers')));
  $('uninstall').addEventListener('click', action(uninstall));
  $('approve-all').addEventListener('click', action(() => changeApproval('approve', { all: true })));
  $('revoke-all').addEventListener('click', action(() => changeApproval('revoke', { all: true })));
  $('promote').addEventListener('click', action(promote));
  $('settings-form').addEventListener('submit', action(saveSettings));
  $('usage-refresh').addEventListener('click', action(() => Promise.all([loadUsage(), loadLeastPrivilege()])));
  $('usage-minutes').addEventListener('change', action(loadUsage));
  $('lp-refresh').addEventListener('click', action(loadLeastPrivilege));
  $('upload-form').addEventListener('submit', action(requestReview));
  $('confirm-button').addEventListener('click', action(confirmReview));
  $('discard-button').addEventListener('click', action(discardReview));
  document.body.dataset.busy = '0';
  if (!token) {
    show('signin-view');
    action(probeDevMode)();
    return;
  }
  action(async () => {
    await loadHost();
    await openModules();
  })();
}

start();
