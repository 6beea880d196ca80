// Drives the admin page in the system's headless Chromium for
// examples/storefront/tests/admin_page.rs, one named step at a time.
//
//   node drive.mjs <chromium> <screenshot dir> <screenshot prefix>
//
// Protocol: after launching, prints one JSON line `{"ready": true, ...}`;
// then reads one JSON command per line on stdin (`{"step": "sign-in",
// ...}`), does it through the page as an operator would (clicks, typing,
// file inputs), takes a full-page screenshot named after the step and
// prints one JSON line: `{"ok": true, "result": ..., "screenshot": ...,
// "console": [...]}` or `{"ok": false, "error": ...}`. The test decides
// the flow and asserts; this script only reads back what the page shows.
// stdout carries nothing else.

import { chromium } from 'playwright-core';
import { createInterface } from 'node:readline';
import path from 'node:path';

const [executablePath, screenshotDir, prefix] = process.argv.slice(2);
const STEP_TIMEOUT_MS = 150_000;

const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--no-proxy-server'],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const page = await context.newPage();
page.setDefaultTimeout(STEP_TIMEOUT_MS);

// Console errors include Content-Security-Policy violations: the test
// asserts there are none.
const consoleMessages = [];
page.on('console', (message) => {
  if (message.type() === 'error' || message.type() === 'warning') consoleMessages.push(`${message.type()}: ${message.text()}`);
});
page.on('pageerror', (error) => consoleMessages.push(`pageerror: ${error.message}`));

let shots = 0;
async function screenshot(name) {
  shots += 1;
  const file = path.join(screenshotDir, `${prefix}-${String(shots).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Waits until no page action is under way (the page's data-busy). */
async function idle() {
  await page.waitForFunction(() => document.body.dataset.busy === '0');
}

async function texts(selector) {
  return page.locator(selector).allTextContents();
}

async function attributes(selector, names) {
  return page.locator(selector).evaluateAll(
    (nodes, keys) => nodes.map((node) => Object.fromEntries(keys.map((key) => [key, node.getAttribute(key)]))),
    names,
  );
}

/** What the module view shows of hot reload: the serving version, the staged one, the last reload. */
async function reloadView() {
  const staged = page.locator('[data-testid=module-staged]');
  const last = page.locator('[data-testid=module-last-reload]');
  return {
    version: await page.locator('#module-version').textContent(),
    staged: { visible: await staged.isVisible(), version: await staged.getAttribute('data-version'), text: await page.locator('#staged-text').textContent() },
    last_reload: {
      action: await last.getAttribute('data-action'),
      failed: await last.evaluate((node) => node.classList.contains('reload-failed')),
      text: await last.textContent(),
    },
    routes: await attributes('[data-testid=route-row]', ['data-subject', 'data-approved']),
    flash: await page.locator('#flash').textContent(),
  };
}

const steps = {
  /** Opens `url`; the answer's status and headers, and the redirect's. */
  async open({ url }) {
    const response = await page.goto(url);
    await idle();
    const redirect = response.request().redirectedFrom();
    const redirected = redirect ? await redirect.response() : null;
    return {
      url: page.url(),
      status: response.status(),
      headers: await response.allHeaders(),
      redirected_from: redirect ? { url: redirect.url(), status: redirected.status(), headers: await redirected.allHeaders() } : null,
      signin_visible: await page.locator('#signin-view').isVisible(),
    };
  },

  async 'sign-in'({ token }) {
    await page.getByLabel('Operator token').fill(token);
    await page.locator('#signin-button').click();
    await page.locator('#modules-view').waitFor({ state: 'visible' });
    await idle();
    return {
      tenants: await texts('#tenant-select option'),
      tenant: await page.locator('#tenant-select').inputValue(),
      modules: await attributes('[data-testid=module-row]', ['data-module']),
      states: await texts('[data-testid=module-row] .state'),
    };
  },

  async 'dev-banner'() {
    const banner = page.locator('#dev-banner');
    return { visible: await banner.isVisible(), text: (await banner.textContent()).trim().replace(/\s+/g, ' ') };
  },

  /** Uploads the module on the install screen and reads the review back. */
  async review({ manifest, component }) {
    await page.locator('#nav-install').click();
    await page.getByLabel('Manifest (module.toml)').setInputFiles(manifest);
    await page.getByLabel('Component (.wasm)').setInputFiles(component);
    await page.locator('#review-button').click();
    await page.locator('#review').waitFor({ state: 'visible' });
    await idle();
    return {
      title: await page.locator('#review-title').textContent(),
      permissions: await attributes('[data-testid=review-permission]', ['data-permission', 'data-risk', 'data-needs-acknowledgement']),
      routes: await texts('[data-testid=review-route]'),
      tables: await texts('#review-tables li'),
      acknowledge_visible: await page.locator('#acknowledge-risk').isVisible(),
    };
  },

  /** Confirms the review shown (ticking the acknowledgement if asked). */
  async confirm({ acknowledge }) {
    if (acknowledge) await page.getByLabel('I acknowledge the high-risk permissions granted').check();
    await page.locator('#confirm-button').click();
    await page.locator('#module-view').waitFor({ state: 'visible' });
    await idle();
    return {
      title: await page.locator('#module-title').textContent(),
      state: await page.locator('#module-state').textContent(),
      routes: await attributes('[data-testid=route-row]', ['data-subject', 'data-approved']),
      flash: await page.locator('#flash').textContent(),
    };
  },

  async 'approve-all'() {
    await page.locator('#approve-all').click();
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('[data-testid=route-row]')];
      return rows.length > 0 && rows.every((row) => row.dataset.approved === 'true');
    });
    await idle();
    return { routes: await attributes('[data-testid=route-row]', ['data-subject', 'data-approved']) };
  },

  /** Presses the usage view's refresh; the invocations the page displays. */
  async usage() {
    await page.locator('#usage-refresh').click();
    await idle();
    await page.locator('#chart-invocations').scrollIntoViewIfNeeded();
    const total = page.locator('#usage-total');
    return {
      total: Number(await total.getAttribute('data-total')),
      shown: await total.textContent(),
      errors: Number(await page.locator('#usage-errors').getAttribute('data-total')),
      chart_max: Number(await page.locator('#chart-invocations').getAttribute('data-max')),
      least_privilege: {
        used: await attributes('[data-testid=used-permission]', ['data-permission']),
        unused: await attributes('[data-testid=unused-permission]', ['data-permission']),
        line: await page.locator('#lp-line').textContent(),
      },
    };
  },

  /** Opens a module of the tenant from the module list. */
  async 'open-module'({ module }) {
    await page.locator('#nav-modules').click();
    await page.locator(`[data-testid=module-row][data-module="${module}"] [data-testid=open-module]`).click();
    await page.locator('#module-view').waitFor({ state: 'visible' });
    await idle();
    return {
      title: await page.locator('#module-title').textContent(),
      settings: await attributes('#settings-form [data-setting]', ['data-setting', 'data-kind', 'min', 'max']),
      help: await texts('#settings-form .help'),
    };
  },

  /** Types `value` into the settings field labelled `label` and saves. */
  async 'save-setting'({ label, value }) {
    const field = page.getByLabel(label, { exact: true });
    await field.fill(value);
    await page.locator('#settings-save').click();
    await idle();
    const problems = page.locator('#settings-problems');
    return {
      problems: (await problems.isVisible()) ? await texts('#settings-problems li') : [],
      flash: await page.locator('#flash').textContent(),
      value: await page.getByLabel(label, { exact: true }).inputValue(),
    };
  },

  /** Opens a module afresh (what a reload changed shows) and reads its hot reload. */
  async 'reload-status'({ module }) {
    await steps['open-module']({ module });
    return reloadView();
  },

  /** Presses the staged version's Promote button. */
  async promote() {
    await page.locator('[data-testid=promote]').click();
    await idle();
    return reloadView();
  },

  async disable() {
    const toggle = page.locator('#toggle-enabled');
    if ((await toggle.textContent()) !== 'Disable') throw new Error(`the toggle says ${await toggle.textContent()}`);
    await toggle.click();
    await page.locator('#module-state[data-enabled=false]').waitFor();
    await idle();
    return { state: await page.locator('#module-state').textContent(), toggle: await toggle.textContent() };
  },

  async 'audit-log'() {
    await page.locator('#nav-audit').click();
    await page.locator('#audit-view').waitFor({ state: 'visible' });
    await idle();
    return { entries: await page.locator('[data-testid=audit-entry]').evaluateAll((rows) =>
      rows.map((row) => ({ actor: row.cells[1].textContent, action: row.cells[2].textContent, module: row.cells[3].textContent }))) };
  },
};

function reply(message) {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

reply({ ready: true, browser: browser.version() });
for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  const command = JSON.parse(line);
  const step = steps[command.step];
  try {
    if (!step) throw new Error(`no step ${command.step}`);
    const result = await step(command);
    reply({ ok: true, result, screenshot: await screenshot(command.step), console: consoleMessages.splice(0) });
  } catch (error) {
    const shot = await screenshot(`${command.step}-failed`).catch(() => null);
    reply({ ok: false, error: String(error.stack || error), screenshot: shot, console: consoleMessages.splice(0) });
  }
}
await browser.close();
