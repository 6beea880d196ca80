// A module's hot reload on the page: the version a reload staged beside
// the serving one (it serves only once promoted) and the install's last
// reload, as GET …/modules/{module} answers them. DOM from data only; the
// Promote button's action is app.js's, like every other call of the API.
import { $ } from './dom.js';

/** What each reload action of the audit log means, in a few words. */
const ACTIONS = {
  reload: 'reloaded (took over at once)',
  stage: 'staged',
  'reload-failed': 'reload failed (the serving version is unchanged)',
  'reload-paused': 'watch paused after slow reloads (the last good version serves)',
  'reload-resumed': 'watch resumed by an operator',
  promote: 'promoted',
};

/** The staged version of `m` with its Promote button, or nothing when none is staged. */
export function renderStaged(m) {
  const staged = m.staged;
  $('module-staged').hidden = !staged;
  $('module-staged').dataset.version = staged ? staged.version : '';
  if (!staged) return;
  const when = staged.staged_at ? ` at ${staged.staged_at}` : '';
  $('staged-text').textContent = `Staged ${staged.version}${when}, serves once promoted (${m.version} serves until then).`;
  const subjects = [...staged.routes, ...staged.hooks];
  $('staged-subjects').textContent = subjects.length
    ? `Promoting approves all its routes and hooks for it (${subjects.join(', ')}) and revokes those of ${m.version}.`
    : `It declares no routes or hooks; promoting revokes those of ${m.version}.`;
  $('staged-hash').textContent = `Component SHA-256 ${staged.component_hash}.`;
}

/** The install's last reload or promotion: what, which version, when, and the code and message of a failure. */
export function renderLastReload(event) {
  const node = $('module-last-reload');
  node.dataset.action = event ? event.action : '';
  node.classList.toggle('reload-failed', Boolean(event && event.code));
  if (!event) {
    node.textContent = 'none';
    return;
  }
  const what = ACTIONS[event.action] || event.action;
  const version = event.version ? `, version ${event.version}` : '';
  const failure = event.code ? ` — ${event.code}${event.message ? `: ${event.message}` : ''}` : '';
  node.textContent = `${event.at}: ${what}${version}${failure}`;
}
