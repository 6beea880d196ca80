// Storefront slots: typed widgets from a closed catalog, never HTML. Export
// `slotProvider = { render(request) { return [...widgets] } }`; these build
// the widget variants so a module never spells a tag. The host validates
// every widget: labels are plain text, links and actions point under the
// module's own mount, `/modules/<name>/`.

/** A button that POSTs to `action` (under the mount) to toggle a state. */
export const toggleButton = (label, activeLabel, active, action) => ({
  tag: 'toggle-button',
  val: { label, activeLabel, active, action },
});

/** A short label; `tone` is `neutral`, `info`, `success` or `warning`. */
export const badge = (text, tone = 'neutral') => ({ tag: 'badge', val: { text, tone } });

/** A line of plain text. */
export const text = (value) => ({ tag: 'text', val: value });

/** A link to a page under the module's mount. */
export const link = (label, href) => ({ tag: 'link', val: { label, href } });
