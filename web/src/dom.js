// A few DOM helpers: the console has no framework.

/// Creates an element: `h('td', { class: 'num' }, 'text', childNode, [more])`. Attributes that
/// start with `on` are listeners; `null`, `undefined` and `false` children are skipped.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value == null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (name === 'dataset') Object.assign(el.dataset, value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child == null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/// Replaces the children of `el`.
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

/// A table with a header row; `rows` are arrays of cells (strings, nodes, or `{ cell, class }`).
export function table(headers, rows, attrs = {}) {
  return h('table', attrs,
    h('thead', {}, h('tr', {}, headers.map((title) => h('th', {}, title)))),
    h('tbody', {}, rows.length === 0
      ? h('tr', {}, h('td', { colspan: headers.length, class: 'empty' }, 'none'))
      : rows.map((row) => h('tr', row.attrs ?? {}, (row.cells ?? row).map((cell) => (
        cell && typeof cell === 'object' && !(cell instanceof Node) && 'cell' in cell
          ? h('td', { class: cell.class, title: cell.title }, cell.cell)
          : h('td', {}, cell)))))),
  );
}

/// A message line: kind is 'info', 'ok', 'error' or 'pending'.
export function note(kind, ...children) {
  return h('p', { class: `note note-${kind}`, role: kind === 'error' ? 'alert' : undefined }, ...children);
}
