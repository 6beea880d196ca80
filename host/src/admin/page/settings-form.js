// The settings form, generated from a module's JSON Schema: object
// properties of type string, integer, number and boolean, and enums, with
// their bounds, defaults and descriptions; anything else is shown and kept
// as stored.

import { $, el } from './dom.js';

function fieldKind(property) {
  if (Array.isArray(property.enum)) return 'enum';
  return ['string', 'integer', 'number', 'boolean'].includes(property.type) ? property.type : 'unsupported';
}

export function renderSettingsForm(schema, values) {
  const form = $('settings-form');
  $('settings-problems').hidden = true;
  const properties = (schema && schema.properties) || {};
  const names = Object.keys(properties);
  if (!names.length) {
    form.replaceChildren(el('p', { class: 'help' }, 'This module has no settings.'));
    return;
  }
  const stored = values && typeof values === 'object' ? values : {};
  form.replaceChildren(
    ...names.map((name, index) => settingField(name, properties[name], stored[name], index)),
    el('button', { type: 'submit', id: 'settings-save', 'data-testid': 'settings-save' }, 'Save settings'));
}

function settingField(name, property, value, index) {
  const id = `setting-${index}`;
  const kind = fieldKind(property);
  const shown = value === undefined ? property.default : value;
  const help = [property.description, constraintsText(property), property.default === undefined ? '' : `Default: ${JSON.stringify(property.default)}.`]
    .filter(Boolean).join(' ');
  const control = settingControl(kind, property, shown);
  Object.assign(control, { id });
  control.dataset.setting = name;
  control.dataset.kind = kind;
  control.setAttribute('aria-describedby', `${id}-help`);
  const label = el('label', { for: id }, property.title || name);
  const input = kind === 'boolean' ? el('span', {}, control, ' ', label) : [label, control];
  return el('p', { class: 'setting', 'data-testid': 'setting' }, input,
    el('small', { id: `${id}-help`, class: 'help' }, kind === 'unsupported' ? `${help} Not editable here: kept as stored.` : help));
}

function settingControl(kind, property, shown) {
  if (kind === 'enum') {
    return el('select', {}, property.enum.map((option, i) =>
      el('option', { value: i, selected: JSON.stringify(option) === JSON.stringify(shown) }, typeof option === 'string' ? option : JSON.stringify(option))));
  }
  if (kind === 'boolean') return el('input', { type: 'checkbox', checked: shown === true });
  if (kind === 'integer' || kind === 'number') {
    return el('input', { type: 'number', min: property.minimum, max: property.maximum, step: kind === 'integer' ? 1 : 'any', value: shown ?? '' });
  }
  if (kind === 'string') return el('input', { type: 'text', maxlength: property.maxLength, value: shown ?? '' });
  return el('textarea', { readonly: true, rows: 2 }, JSON.stringify(shown ?? null));
}

function constraintsText(property) {
  const limits = [];
  if (property.minimum !== undefined) limits.push(`at least ${property.minimum}`);
  if (property.maximum !== undefined) limits.push(`at most ${property.maximum}`);
  if (property.maxLength !== undefined) limits.push(`at most ${property.maxLength} characters`);
  return limits.length ? `${limits.join(', ')}.` : '';
}

/** The settings object the form says for `module` (as GET …/modules/{module}
 * answers): stored values of fields not editable here are kept. */
export function readSettings(module) {
  const settings = module.settings && typeof module.settings === 'object' ? structuredClone(module.settings) : {};
  const properties = module.settings_schema.properties;
  for (const control of $('settings-form').querySelectorAll('[data-setting]')) {
    const name = control.dataset.setting;
    const kind = control.dataset.kind;
    if (kind === 'enum') settings[name] = properties[name].enum[Number(control.value)];
    else if (kind === 'boolean') settings[name] = control.checked;
    else if (kind === 'integer' || kind === 'number') {
      if (control.value === '') delete settings[name];
      else settings[name] = Number(control.value);
    } else if (kind === 'string') settings[name] = control.value;
  }
  return settings;
}
