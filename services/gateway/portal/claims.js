// Reimbursement claims: the list, filing one (its acts: who was cared for, the act's code, the
// day, the quantity, the amount paid in dirhams; sent with an idempotency key so that a second
// click or a retry files once), and one claim followed until decided, each act's outcome and
// reason in words.
import { api, pick } from './api.js';
import {
  announce,
  clearErrors,
  errorSummary,
  field,
  h,
  onSubmit,
  replace,
  showError,
  showFieldError,
  stacked,
} from './dom.js';
import { fullName } from './family.js';
import { formatDay, formatDirhams, has, t } from './i18n.js';
import { askServicesToday, newIdempotencyKey, parseDirhams } from './values.js';

function words(prefix, code) {
  if (!code) return '';
  if (has(`${prefix}.${code}`)) return t(`${prefix}.${code}`);
  return has(`${prefix}.OTHER`) ? t(`${prefix}.OTHER`) : code;
}

function stateWords(code) {
  return has(`state.${code}`) ? t(`state.${code}`) : code;
}

export async function claimsPage(portal, pageToken = '') {
  const answer = await api.claims(pageToken);
  portal.signIn();
  const claims = pick(answer, 'claims', []);
  const next = pick(answer, 'next_page_token', '');
  const list = claims.length
    ? stacked(
        h(
          'div',
          { class: 'table-wrap', role: 'region', 'aria-labelledby': 'claims-caption', tabindex: '0' },
          h(
            'table',
            { class: 'claims' },
            h('caption', { id: 'claims-caption' }, t('claims.caption')),
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ['claim', 'filed', 'state', 'claimed', 'reimbursed'].map((c) =>
                  h('th', { scope: 'col' }, t(`claims.col.${c}`)),
                ),
              ),
            ),
            h(
              'tbody',
              {},
              claims.map((claim) => {
                const id = pick(claim, 'claim_id', '');
                const outcome = pick(claim, 'outcome', '');
                const state = pick(claim, 'state', '');
                return h(
                  'tr',
                  { 'data-claim': id },
                  h('th', { scope: 'row' }, h('a', { href: `#/claims/${encodeURIComponent(id)}`, dir: 'ltr' }, id)),
                  h('td', {}, formatDay(pick(claim, 'filed_date', ''))),
                  h('td', {}, outcome ? `${stateWords(state)} — ${words('outcome', outcome)}` : stateWords(state)),
                  h('td', {}, formatDirhams(pick(claim, 'claimed_centimes', 0))),
                  h('td', {}, outcome ? formatDirhams(pick(claim, 'reimbursed_centimes', 0)) : '—'),
                );
              }),
            ),
          ),
        ),
      )
    : h('p', {}, t('claims.empty'));
  const more = next
    ? h('button', { type: 'button', class: 'secondary', onclick: () => claimsPage(portal, next) }, t('claims.more'))
    : null;
  replace(
    portal.main,
    h('h1', {}, t('claims.title')),
    h('p', {}, h('a', { href: '#/claims/new', class: 'button', id: 'new-claim' }, t('claims.new'))),
    list,
    more,
  );
}

// The people a claim may be for: the insured and the dependents covered today.
function beneficiaryOptions(family) {
  return pick(family, 'beneficiaries', [])
    .filter((m) => pick(m, 'covered_today', false))
    .map((m) => [pick(m, 'beneficiary_id', ''), fullName(m)]);
}

function itemFieldset(n, options, values, onRemove) {
  const prefix = `items[${n}].`;
  const fields = {
    beneficiary_id: field({
      name: `${prefix}beneficiary_id`,
      label: t('field.beneficiary_id'),
      options,
      value: values.beneficiary_id,
    }),
    act_code: field({
      name: `${prefix}act_code`,
      label: t('field.act_code'),
      hint: t('field.act_code.hint'),
      autocomplete: 'off',
      value: values.act_code,
    }),
    care_date: field({
      name: `${prefix}care_date`,
      label: t('field.care_date'),
      type: 'date',
      value: values.care_date,
    }),
    quantity: field({
      name: `${prefix}quantity`,
      label: t('field.quantity'),
      type: 'number',
      inputmode: 'numeric',
      value: values.quantity,
    }),
    amount_paid: field({
      name: `${prefix}amount_paid`,
      label: t('field.amount_paid'),
      hint: t('field.amount_paid.hint'),
      inputmode: 'decimal',
      autocomplete: 'off',
      value: values.amount_paid,
    }),
  };
  fields.quantity.input.setAttribute('min', '1');
  const legend = h('legend', {}, t('field.item_n', { n: n + 1 }));
  const remove = onRemove
    ? h('button', { type: 'button', class: 'secondary', onclick: onRemove }, t('claims.remove_item', { n: n + 1 }))
    : null;
  const fieldset = h('fieldset', { class: 'item' }, legend, Object.values(fields), remove);
  fieldset.fields = fields;
  return fieldset;
}

export async function newClaimPage(portal) {
  const [family, today] = await Promise.all([api.family(), askServicesToday(api)]);
  portal.signIn();
  const options = beneficiaryOptions(family);
  const blank = () => ({
    beneficiary_id: options.length === 1 ? options[0][0] : '',
    act_code: '',
    care_date: today,
    quantity: '1',
    amount_paid: '',
  });
  // The acts as typed, kept when one is added or removed.
  let values = [blank()];
  const items = h('div', { class: 'items' });
  let fieldsets = [];
  const read = () =>
    fieldsets.map((fs) => Object.fromEntries(Object.entries(fs.fields).map(([name, f]) => [name, f.input.value])));
  const draw = () => {
    fieldsets = values.map((v, n) =>
      itemFieldset(
        n,
        options,
        v,
        values.length > 1
          ? () => {
              values = read();
              values.splice(n, 1);
              draw();
              fieldsets[Math.min(n, fieldsets.length - 1)].querySelector('select, input').focus();
            }
          : null,
      ),
    );
    replace(items, fieldsets);
  };
  draw();
  // One file per visit of this page, however often it is sent.
  const key = newIdempotencyKey();
  const form = h(
    'form',
    { novalidate: true, 'aria-labelledby': 'page-title', id: 'claim-form' },
    errorSummary(),
    items,
    h(
      'p',
      {},
      h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          onclick: () => {
            values = read();
            values.push(blank());
            draw();
            fieldsets[fieldsets.length - 1].querySelector('select, input').focus();
          },
        },
        t('claims.add_item'),
      ),
    ),
    h('button', { type: 'submit', class: 'primary', id: 'submit-claim' }, t('claims.submit')),
  );
  onSubmit(form, async () => {
    clearErrors(form);
    // The service files it the day it receives it (filed_date is not the portal's to choose).
    const request = { idempotency_key: key, items: [] };
    let first = null;
    fieldsets.forEach((fs, n) => {
      const f = fs.fields;
      for (const [name, input] of Object.entries(f)) {
        if (input.input.value.trim() === '') {
          showFieldError(form, `items[${n}].${name}`, t('error.REQUIRED'));
          first = first || input.input;
        }
      }
      const centimes = parseDirhams(f.amount_paid.input.value);
      if (f.amount_paid.input.value.trim() !== '' && centimes === null) {
        showFieldError(form, `items[${n}].amount_paid`, t('error.AMOUNT_FORMAT'));
        first = first || f.amount_paid.input;
      }
      request.items.push({
        beneficiary_id: f.beneficiary_id.input.value,
        act_code: f.act_code.input.value.trim().toUpperCase(),
        care_date: f.care_date.input.value,
        quantity: Number(f.quantity.input.value),
        amount_paid_centimes: centimes ?? 0,
      });
    });
    if (first) {
      first.focus();
      return;
    }
    announce(t('claims.sending'));
    let claim;
    try {
      claim = await api.fileClaim(request);
    } catch (error) {
      announce('');
      showError(form, error);
      return;
    }
    const id = pick(claim, 'claim_id', '');
    portal.notify(t('claims.filed', { id }));
    portal.go(`/claims/${encodeURIComponent(id)}`);
  });
  replace(portal.main, h('h1', { id: 'page-title' }, t('claims.new_title')), form, backLink());
}

// A claim: its state and amounts, each act's outcome and reason; while undecided the page asks
// again every few seconds and says when the decision has come.
export async function claimPage(portal, claimId) {
  const [claim, family] = await Promise.all([api.claim(claimId), api.family()]);
  portal.signIn();
  const names = new Map(pick(family, 'beneficiaries', []).map((m) => [pick(m, 'beneficiary_id', ''), fullName(m)]));
  const status = h('section', { id: 'claim-status', 'aria-labelledby': 'page-title' });
  const route = location.hash;
  const show = (c) => replace(status, claimStatus(c, names));
  show(claim);
  replace(
    portal.main,
    h('h1', { id: 'page-title' }, t('claims.detail_title', { id: claimId })),
    status,
    h('p', {}, h('a', { href: '#/claims' }, t('claims.back'))),
  );
  let state = pick(claim, 'state', '');
  const follow = async () => {
    if (location.hash !== route || !['RECEIVED', 'IN_REVIEW'].includes(state)) return;
    try {
      const again = await api.claim(claimId);
      if (location.hash !== route) return;
      if (pick(again, 'state', '') !== state) {
        state = pick(again, 'state', '');
        show(again);
        announce(t('claims.detail_state', { state: stateWords(state) }));
      }
    } catch {
      // Asked again at the next turn; a lost session shows on the next navigation.
    }
    setTimeout(follow, 2000);
  };
  setTimeout(follow, 2000);
}

function claimStatus(claim, names) {
  const state = pick(claim, 'state', '');
  const outcome = pick(claim, 'outcome', '');
  const decided = Boolean(outcome);
  return [
    h('p', { class: 'claim-state', 'data-state': state }, t('claims.detail_state', { state: stateWords(state) })),
    decided
      ? h(
          'p',
          { class: 'claim-outcome', 'data-outcome': outcome },
          t('claims.detail_outcome', { outcome: words('outcome', outcome) }),
        )
      : null,
    h(
      'p',
      {},
      t('claims.detail_amounts', {
        claimed: formatDirhams(pick(claim, 'claimed_centimes', 0)),
        reimbursed: decided ? formatDirhams(pick(claim, 'reimbursed_centimes', 0)) : '—',
      }),
    ),
    decided ? null : h('p', { class: 'hint' }, t('claims.detail_waiting')),
    stacked(
      h(
        'div',
        { class: 'table-wrap', role: 'region', 'aria-labelledby': 'items-caption', tabindex: '0' },
        h(
          'table',
          { class: 'items' },
          h('caption', { id: 'items-caption' }, t('claims.items_caption')),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['item', 'beneficiary', 'care_date', 'outcome', 'reimbursed', 'reason'].map((c) =>
                h('th', { scope: 'col' }, t(`claims.col.${c}`)),
              ),
            ),
          ),
          h(
            'tbody',
            {},
            pick(claim, 'items', []).map((item) => {
              const itemOutcome = pick(item, 'outcome', '') || 'PENDING';
              const id = pick(item, 'beneficiary_id', '');
              return h(
                'tr',
                { 'data-outcome': itemOutcome },
                h(
                  'th',
                  { scope: 'row' },
                  h('span', {}, h('bdi', {}, pick(item, 'act_code', '')), ` × ${pick(item, 'quantity', 1)}`),
                ),
                h('td', {}, names.get(id) || id),
                h('td', {}, formatDay(pick(item, 'care_date', ''))),
                h('td', {}, words('outcome', itemOutcome)),
                h('td', {}, decided ? formatDirhams(pick(item, 'reimbursed_centimes', 0)) : '—'),
                h('td', {}, words('reason', pick(item, 'reason', ''))),
              );
            }),
          ),
        ),
      ),
    ),
  ];
}

function backLink() {
  return h('p', {}, h('a', { href: '#/claims' }, t('claims.back')));
}
