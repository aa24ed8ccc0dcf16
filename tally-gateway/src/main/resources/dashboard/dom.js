// Building DOM nodes without innerHTML: every value from the audit log is set as text, so a
// model name or a tag can never become markup or script.

/** h('div', {class: 'x', onclick: fn}, child, 'text', [more]) → an element. */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2), value);
    } else if (name === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (value === true) {
      el.setAttribute(name, '');
    } else {
      el.setAttribute(name, String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) {
      append(el, child);
    } else if (child instanceof Node) {
      el.appendChild(child);
    } else {
      el.appendChild(document.createTextNode(String(child)));
    }
  }
}

/** Replaces the children of el. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A table: columns [{label, value: row => node|text, class}], rows; an empty text when no rows. */
export function table(columns, rows, options = {}) {
  const head = h('thead', {}, h('tr', {}, columns.map(c => h('th', {class: c.class, title: c.title}, c.label))));
  const body = h('tbody', {});
  if (rows.length === 0) {
    body.appendChild(h('tr', {class: 'empty'}, h('td', {colspan: columns.length}, options.empty || 'Nothing in this range.')));
  }
  for (const row of rows) {
    const tr = h('tr', {}, columns.map(c => h('td', {class: c.class}, c.value(row))));
    if (options.onRow) {
      tr.classList.add('clickable');
      tr.tabIndex = 0;
      tr.addEventListener('click', () => options.onRow(row));
      tr.addEventListener('keydown', e => { if (e.key === 'Enter') options.onRow(row); });
    }
    body.appendChild(tr);
  }
  return h('table', {class: 'data' + (options.class ? ' ' + options.class : ''), 'data-table': options.name}, head, body);
}

/** A titled panel. */
export function panel(title, ...children) {
  return h('section', {class: 'panel'}, title ? h('h2', {}, title) : null, ...children);
}
