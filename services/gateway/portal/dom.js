// Building the pages without a framework: elements from a tag, attributes and children; form
// fields with their label, hint and error tied by id (aria-describedby); an API error shown on
// the form in words, its field marked aria-invalid; results announced in the live region.
import { t, has } from './i18n.js';

// An element: h('p', {class: 'note'}, 'text', otherElement). `on<Event>` attributes are
// listeners; false, null and undefined attributes are left out.
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name === 'text') {
      element.textContent = value;
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

let fieldCount = 0;

// A labelled input. `name` is the API's field name (so that an error naming it finds it).
// Returns the wrapper; its input is `.input`.
export function field({ name, label, type = 'text', required = true, hint, autocomplete, inputmode, options, value }) {
  const id = `f-${name.replace(/[^a-z0-9]+/gi, '-')}-${++fieldCount}`;
  const describedBy = [];
  const hintElement = hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null;
  if (hintElement) describedBy.push(hintElement.id);
  const error = h('p', { class: 'field-error', id: `${id}-error`, hidden: true });
  let input;
  const common = {
    id,
    name,
    'data-field': name,
    required: required || null,
    'aria-describedby': describedBy.join(' ') || null,
  };
  if (options) {
    input = h(
      'select',
      common,
      h('option', { value: '' }, t('option.choose')),
      options.map(([v, text]) => h('option', { value: v, selected: v === value || null }, text)),
    );
  } else if (type === 'checkbox') {
    input = h('input', { ...common, type, required: null });
  } else {
    input = h('input', { ...common, type, autocomplete, inputmode, value });
  }
  const wrapper =
    type === 'checkbox'
      ? h('div', { class: 'field field-check' }, input, h('label', { for: id }, label), hintElement, error)
      : h('div', { class: 'field' }, h('label', { for: id }, label), hintElement, input, error);
  wrapper.input = input;
  return wrapper;
}

// Removes every error shown on `form`.
export function clearErrors(form) {
  for (const input of form.querySelectorAll('[aria-invalid]')) {
    input.removeAttribute('aria-invalid');
    const ids = (input.getAttribute('aria-describedby') || '').split(' ').filter((x) => x && !x.endsWith('-error'));
    if (ids.length) input.setAttribute('aria-describedby', ids.join(' '));
    else input.removeAttribute('aria-describedby');
  }
  for (const error of form.querySelectorAll('.field-error')) {
    error.textContent = '';
    error.hidden = true;
  }
  const summary = form.querySelector('.form-error');
  if (summary) {
    summary.textContent = '';
    summary.hidden = true;
  }
}

// Marks the input of API field `name` invalid with `text`; false when the form has none.
export function showFieldError(form, name, text) {
  const input = form.querySelector(`[data-field="${CSS.escape(name)}"]`);
  if (!input) return false;
  const error = document.getElementById(`${input.id}-error`);
  input.setAttribute('aria-invalid', 'true');
  const ids = (input.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
  if (!ids.includes(error.id)) ids.push(error.id);
  input.setAttribute('aria-describedby', ids.join(' '));
  error.textContent = text;
  error.hidden = false;
  return true;
}

// The words for an ApiError: its reason's if the table has it, else its code's. `overrides`
// maps a code or a reason to another message key (a wrong activation code, ...).
export function errorText(error, overrides = {}) {
  const key = overrides[error.reason] || overrides[error.code];
  if (key) return t(key, { seconds: error.retryAfter || 60 });
  for (const candidate of [error.reason, error.code]) {
    if (candidate && has(`error.${candidate}`)) return t(`error.${candidate}`, { seconds: error.retryAfter || 60 });
  }
  return t('error.UNKNOWN');
}

// The label of an API field ("items[1].act_code" -> "Acte 2 : Code de l'acte").
export function fieldLabel(name) {
  const m = /^items\[(\d+)\]\.(.+)$/.exec(name);
  if (m) return `${t('field.item_n', { n: Number(m[1]) + 1 })} — ${fieldLabel(m[2])}`;
  if (name === 'amount_paid_centimes') return t('field.amount_paid');
  return has(`field.${name}`) ? t(`field.${name}`) : name;
}

// Shows `error` on `form`: beside its field when the form has it (and focuses it), and in the
// form's summary, announced.
export function showError(form, error, overrides = {}) {
  clearErrors(form);
  const text = errorText(error, overrides);
  const name = overrides[`${error.reason || error.code}:field`] || error.field;
  const fieldName = name.replace(/^items\[(\d+)\]\.amount_paid_centimes$/, 'items[$1].amount_paid');
  const onField = fieldName && showFieldError(form, fieldName, text);
  const summary = form.querySelector('.form-error');
  const lines = [fieldName ? t('error.field', { field: fieldLabel(fieldName), text }) : text];
  if (error.requestId) lines.push(t('error.request_id', { id: error.requestId }));
  summary.textContent = lines.join(' ');
  summary.hidden = false;
  if (onField) form.querySelector('[aria-invalid="true"]').focus();
  else summary.focus();
}

// The form's error summary: announced (role=alert), focusable for keyboard users.
export function errorSummary() {
  return h('p', { class: 'form-error', role: 'alert', tabindex: '-1', hidden: true });
}

// Says `text` in the live region (aria-live="polite") and shows it as the page's notice.
export function announce(text) {
  const region = document.getElementById('status');
  region.textContent = '';
  if (text) region.append(h('p', {}, text));
}

// The tables in `element`, shown by a phone as one card per row: each cell labelled with its
// column's title (data-label, shown by the CSS below 40rem). Returns `element`.
export function stacked(element) {
  for (const table of element.querySelectorAll('table')) {
    table.classList.add('stack');
    const titles = [...table.querySelectorAll('thead th')].map((th) => th.textContent);
    for (const row of table.querySelectorAll('tbody tr')) {
      [...row.children].forEach((cell, n) => cell.setAttribute('data-label', titles[n] || ''));
    }
  }
  return element;
}

// Replaces `parent`'s children.
export function replace(parent, ...children) {
  parent.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
}

// A submit button that stays disabled while `work` runs, so that a double click sends once.
export function onSubmit(form, work) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (form.dataset.busy === 'true') return;
    form.dataset.busy = 'true';
    const buttons = form.querySelectorAll('button[type="submit"]');
    for (const b of buttons) b.disabled = true;
    form.setAttribute('aria-busy', 'true');
    try {
      await work();
    } finally {
      form.dataset.busy = 'false';
      form.removeAttribute('aria-busy');
      for (const b of buttons) b.disabled = false;
    }
  });
}

// Marks every empty field of `fields` as required; true when none is empty.
export function requireFilled(form, fields) {
  let first = null;
  for (const f of fields) {
    if (f.input.value.trim() === '') {
      showFieldError(form, f.input.dataset.field, t('error.REQUIRED'));
      first = first || f.input;
    }
  }
  if (first) first.focus();
  return first === null;
}
