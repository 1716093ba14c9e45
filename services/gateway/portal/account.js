// The pages before a session: activating the account with the SMS's code and a new password,
// logging in, and asking for a new code.
import { api } from './api.js';
import {
  clearErrors,
  errorSummary,
  field,
  h,
  onSubmit,
  replace,
  requireFilled,
  showError,
  showFieldError,
} from './dom.js';
import { t } from './i18n.js';

function numberField() {
  return field({
    name: 'registration_number',
    label: t('field.registration_number'),
    hint: t('field.registration_number.hint'),
    autocomplete: 'username',
    inputmode: 'numeric',
  });
}

// What registration's activation answers, in words: a wrong code, a code no longer usable.
const ACTIVATION_ERRORS = {
  PERMISSION_DENIED: 'error.WRONG_CODE',
  'PERMISSION_DENIED:field': 'code',
  FAILED_PRECONDITION: 'error.CODE_UNUSABLE',
  'FAILED_PRECONDITION:field': 'code',
};

export async function activatePage(portal) {
  const number = numberField();
  number.input.value = sessionStorage.getItem('himaya.number') || '';
  const code = field({
    name: 'code',
    label: t('field.code'),
    hint: t('field.code.hint'),
    autocomplete: 'one-time-code',
  });
  const password = field({
    name: 'password',
    label: t('field.new_password'),
    hint: t('field.new_password.hint'),
    type: 'password',
    autocomplete: 'new-password',
  });
  const again = field({
    name: 'password_again',
    label: t('field.password_again'),
    type: 'password',
    autocomplete: 'new-password',
  });
  const form = h(
    'form',
    { novalidate: true, 'aria-labelledby': 'page-title' },
    errorSummary(),
    number,
    code,
    password,
    again,
    h('button', { type: 'submit', class: 'primary' }, t('activate.submit')),
  );
  onSubmit(form, async () => {
    clearErrors(form);
    if (!requireFilled(form, [number, code, password, again])) return;
    if (password.input.value !== again.input.value) {
      showFieldError(form, 'password_again', t('activate.mismatch'));
      again.input.focus();
      return;
    }
    try {
      await api.activate(number.input.value.trim(), code.input.value.trim(), password.input.value);
    } catch (error) {
      showError(form, error, ACTIVATION_ERRORS);
      return;
    }
    portal.notify(t('activate.done'));
    sessionStorage.setItem('himaya.number', number.input.value.trim());
    portal.go('/login');
  });
  replace(
    portal.main,
    h('h1', { id: 'page-title' }, t('activate.title')),
    h('p', {}, t('activate.intro')),
    form,
    h(
      'ul',
      { class: 'links' },
      h('li', {}, h('a', { href: '#/login' }, t('activate.have_account'))),
      h('li', {}, h('a', { href: '#/resend' }, t('activate.no_code'))),
    ),
  );
}

export async function loginPage(portal) {
  const number = numberField();
  number.input.value = sessionStorage.getItem('himaya.number') || '';
  const password = field({
    name: 'password',
    label: t('field.password'),
    type: 'password',
    autocomplete: 'current-password',
  });
  const form = h(
    'form',
    { novalidate: true, 'aria-labelledby': 'page-title', id: 'login-form' },
    errorSummary(),
    number,
    password,
    h('button', { type: 'submit', class: 'primary' }, t('login.submit')),
  );
  onSubmit(form, async () => {
    clearErrors(form);
    if (!requireFilled(form, [number, password])) return;
    try {
      await api.logIn(number.input.value.trim(), password.input.value);
    } catch (error) {
      // The same words whether the number exists or not.
      showError(form, error, {
        UNAUTHENTICATED: 'error.INVALID_CREDENTIALS',
        RESOURCE_EXHAUSTED: 'error.ACCOUNT_LOCKED',
      });
      return;
    }
    sessionStorage.removeItem('himaya.number');
    portal.signIn();
    portal.go('/home');
  });
  replace(
    portal.main,
    h('h1', { id: 'page-title' }, t('login.title')),
    form,
    h(
      'ul',
      { class: 'links' },
      h('li', {}, h('a', { href: '#/activate' }, t('login.activate'))),
      h('li', {}, h('a', { href: '#/resend' }, t('login.resend'))),
    ),
  );
}

export async function resendPage(portal) {
  const number = numberField();
  const form = h(
    'form',
    { novalidate: true, 'aria-labelledby': 'page-title' },
    errorSummary(),
    number,
    h('button', { type: 'submit', class: 'primary' }, t('resend.submit')),
  );
  onSubmit(form, async () => {
    clearErrors(form);
    if (!requireFilled(form, [number])) return;
    try {
      await api.resendCode(number.input.value.trim());
    } catch (error) {
      showError(form, error);
      return;
    }
    sessionStorage.setItem('himaya.number', number.input.value.trim());
    portal.notify(t('resend.done'));
    portal.go('/activate');
  });
  replace(
    portal.main,
    h('h1', { id: 'page-title' }, t('resend.title')),
    h('p', {}, t('resend.intro')),
    form,
    h('ul', { class: 'links' }, h('li', {}, h('a', { href: '#/activate' }, t('resend.back')))),
  );
}
