// Building the page's DOM from data: elements and text nodes only, never
// markup — module names, descriptions and settings are untrusted text.

/** The element with this id. */
export const $ = (id) => document.getElementById(id);

/** An element with fixed attributes (`class`, `data-*`, …) and text or node children. */
export function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'onclick') node.addEventListener('click', value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child !== undefined && child !== null && child !== false) node.append(child);
  }
  return node;
}

export function cells(...values) {
  return el('tr', {}, values.map((value) => el('td', {}, value)));
}

export function fillBody(tableId, rows, emptyText) {
  const body = $(tableId).tBodies[0];
  const columns = $(tableId).tHead.rows[0].cells.length;
  body.replaceChildren(...(rows.length ? rows : [el('tr', {}, el('td', { colspan: columns, class: 'none' }, emptyText))]));
}

export function fillList(listId, items, emptyText) {
  const nodes = items.map((item) => (item instanceof Node ? item : el('li', {}, item)));
  $(listId).replaceChildren(...(nodes.length ? nodes : [el('li', { class: 'none' }, emptyText || 'none')]));
}
