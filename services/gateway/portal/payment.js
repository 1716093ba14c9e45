// The payment mode page: how the insured pays contributions and receives allowances, shown with
// its account masked, and a form to choose a bank transfer (a RIB, its key checked here before
// sending, by the registration service's rule) or a mobile wallet.
import { api, ApiError, pick } from './api.js';
import { clearErrors, errorSummary, field, h, onSubmit, replace, requireFilled, showError } from './dom.js';
import { formatDay, t } from './i18n.js';
import { ribProblem } from './values.js';

const BANK_TRANSFER = 'PAYMENT_METHOD_BANK_TRANSFER';
const MOBILE_WALLET = 'PAYMENT_METHOD_MOBILE_WALLET';

// The mode in force, or null when none was chosen.
async function currentMode() {
  try {
    return await api.paymentMode();
  } catch (error) {
    if (error instanceof ApiError && error.code === 'NOT_FOUND') return null;
    throw error;
  }
}

function modeFacts(mode) {
  if (!mode) return h('p', { id: 'payment-mode' }, t('payment.none'));
  const method = pick(mode, 'method', '');
  const chosenAt = pick(mode, 'chosen_at', '');
  return h(
    'dl',
    { class: 'facts', id: 'payment-mode', 'data-method': method },
    h('dt', {}, t('field.method')),
    h('dd', {}, t(`payment.${method === MOBILE_WALLET ? MOBILE_WALLET : BANK_TRANSFER}`)),
    h('dt', {}, t('field.account')),
    h('dd', { dir: 'ltr', id: 'payment-account' }, pick(mode, 'account_masked', '')),
    chosenAt ? h('dd', {}, t('payment.chosen_on', { date: formatDay(chosenAt.slice(0, 10)) })) : null,
  );
}

export async function paymentModePage(portal) {
  const mode = await currentMode();
  portal.signIn();
  const method = field({
    name: 'method',
    label: t('field.method'),
    options: [
      [BANK_TRANSFER, t(`payment.${BANK_TRANSFER}`)],
      [MOBILE_WALLET, t(`payment.${MOBILE_WALLET}`)],
    ],
    value: mode ? pick(mode, 'method', '') : '',
  });
  const rib = field({
    name: 'rib',
    label: t('field.rib'),
    hint: t('field.rib.hint'),
    inputmode: 'numeric',
    autocomplete: 'off',
  });
  const wallet = field({
    name: 'wallet_phone',
    label: t('field.wallet_phone'),
    hint: t('field.wallet_phone.hint'),
    type: 'tel',
    autocomplete: 'tel',
  });
  // Only the chosen method's account is asked.
  const showAccount = () => {
    rib.hidden = method.input.value !== BANK_TRANSFER;
    wallet.hidden = method.input.value !== MOBILE_WALLET;
  };
  method.input.addEventListener('change', showAccount);
  showAccount();
  const form = h(
    'form',
    { novalidate: true, 'aria-labelledby': 'choose-title', id: 'payment-form' },
    errorSummary(),
    method,
    rib,
    wallet,
    h('button', { type: 'submit', class: 'primary' }, t('payment.submit')),
  );
  onSubmit(form, async () => {
    clearErrors(form);
    if (!requireFilled(form, [method])) return;
    const bank = method.input.value === BANK_TRANSFER;
    if (!requireFilled(form, [bank ? rib : wallet])) return;
    const chosen = { method: method.input.value };
    if (bank) {
      // A typo told at once, in the words of the service's refusal.
      const problem = ribProblem(rib.input.value);
      if (problem) {
        showError(form, new ApiError(400, { code: 'INVALID_ARGUMENT', message: `${problem}: rib: ` }));
        return;
      }
      chosen.rib = rib.input.value;
    } else {
      chosen.wallet_phone = wallet.input.value.trim();
    }
    let answer;
    try {
      answer = await api.choosePaymentMode(chosen);
    } catch (error) {
      showError(form, error);
      return;
    }
    portal.notify(t('payment.saved', { account: pick(answer, 'account_masked', '') }));
    portal.go('/payment-mode');
  });
  replace(
    portal.main,
    h('h1', {}, t('payment.title')),
    h('p', {}, t('payment.intro')),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'current-title' },
      h('h2', { id: 'current-title' }, t('payment.current')),
      modeFacts(mode),
    ),
    h('h2', { id: 'choose-title' }, t('payment.choose_title')),
    form,
    h('p', {}, h('a', { href: '#/home' }, t('nav.home'))),
  );
}
