// The family: its members with their coverage today, declaring a spouse or a child (covered
// from today), and removing one (a reason and the last covered day).
import { api, pick } from './api.js';
import { clearErrors, errorSummary, field, h, onSubmit, replace, requireFilled, showError, stacked } from './dom.js';
import { formatDay, has, t } from './i18n.js';
import { askServicesToday, casablancaToday, newIdempotencyKey } from './values.js';

const REMOVAL_REASONS = ['DIVORCE', 'DEATH', 'DECLARED_IN_ERROR', 'OWN_COVERAGE', 'OTHER'];

// A member's first and last names, as the family list gives them.
export function fullName(member) {
  return `${pick(member, 'first_name', '')} ${pick(member, 'last_name', '')}`.trim();
}

function relationshipOf(member) {
  const value = pick(member, 'relationship', '');
  return typeof value === 'number'
    ? ['', 'RELATIONSHIP_INSURED', 'RELATIONSHIP_SPOUSE', 'RELATIONSHIP_CHILD'][value] || ''
    : value;
}

// Whether `member` has a coverage period still open (only those can be removed).
function open(member) {
  return pick(member, 'periods', []).some((p) => !pick(p, 'end_date', ''));
}

// The family as a table: name, relationship, birth date, coverage today (and, with `actions`,
// a removal link for each covered dependent).
export function familyTable(members, { actions }) {
  if (!members.length) return h('p', {}, t('family.empty'));
  const columns = ['name', 'relationship', 'birth_date', 'coverage'];
  if (actions) columns.push('actions');
  return stacked(
    h(
      'div',
      { class: 'table-wrap', role: 'region', 'aria-labelledby': 'family-caption', tabindex: '0' },
      h(
        'table',
        { class: 'family' },
        h('caption', { id: 'family-caption' }, t('family.caption')),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            columns.map((c) => h('th', { scope: 'col' }, t(`family.col.${c}`))),
          ),
        ),
        h(
          'tbody',
          {},
          members.map((member) => {
            const id = pick(member, 'beneficiary_id', '');
            const covered = Boolean(pick(member, 'covered_today', false));
            const reason = pick(member, 'reason_today', '');
            const relationship = relationshipOf(member);
            const cells = [
              h('th', { scope: 'row' }, fullName(member)),
              h('td', {}, t(`relationship.${relationship}`)),
              h('td', {}, formatDay(pick(member, 'birth_date', ''))),
              h(
                'td',
                { class: covered ? 'covered' : 'not-covered' },
                covered
                  ? t('family.covered')
                  : t('family.not_covered', {
                      reason: has(`coverage.${reason}`) ? t(`coverage.${reason}`) : t('coverage.OTHER'),
                    }),
              ),
            ];
            if (actions) {
              const removable = relationship !== 'RELATIONSHIP_INSURED' && open(member);
              cells.push(
                h(
                  'td',
                  {},
                  removable
                    ? h(
                        'a',
                        { href: `#/family/remove/${encodeURIComponent(id)}`, class: 'remove' },
                        t('family.remove', { name: fullName(member) }),
                      )
                    : '',
                ),
              );
            }
            return h('tr', { 'data-beneficiary': id }, cells);
          }),
        ),
      ),
    ),
  );
}

export async function familyPage(portal) {
  const family = await api.family();
  portal.signIn();
  replace(
    portal.main,
    h('h1', {}, t('family.title')),
    familyTable(pick(family, 'beneficiaries', []), { actions: true }),
    h('p', {}, h('a', { href: '#/family/declare', class: 'button' }, t('family.declare'))),
  );
}

export async function declarePage(portal) {
  portal.signIn();
  const relationship = field({
    name: 'relationship',
    label: t('field.relationship'),
    options: [
      ['RELATIONSHIP_CHILD', t('relationship.RELATIONSHIP_CHILD')],
      ['RELATIONSHIP_SPOUSE', t('relationship.RELATIONSHIP_SPOUSE')],
    ],
  });
  const firstName = field({ name: 'first_name', label: t('field.first_name'), autocomplete: 'off' });
  const lastName = field({ name: 'last_name', label: t('field.last_name'), autocomplete: 'off' });
  const birthDate = field({ name: 'birth_date', label: t('field.birth_date'), type: 'date' });
  const sex = field({
    name: 'sex',
    label: t('field.sex'),
    options: [
      ['F', t('sex.F')],
      ['M', t('sex.M')],
    ],
  });
  const cin = field({ name: 'cin', label: t('field.cin'), required: false, autocomplete: 'off' });
  const studying = field({ name: 'studying_until', label: t('field.studying_until'), type: 'date', required: false });
  const disabled = field({ name: 'disabled', label: t('field.disabled'), type: 'checkbox' });
  // One declaration per visit of this page, however often it is sent.
  const key = newIdempotencyKey();
  const form = h(
    'form',
    { novalidate: true, 'aria-labelledby': 'page-title', id: 'declare-form' },
    errorSummary(),
    relationship,
    firstName,
    lastName,
    birthDate,
    sex,
    cin,
    studying,
    disabled,
    h('button', { type: 'submit', class: 'primary' }, t('family.declare_submit')),
  );
  onSubmit(form, async () => {
    clearErrors(form);
    if (!requireFilled(form, [relationship, firstName, lastName, birthDate, sex])) return;
    let answer;
    try {
      answer = await api.declare({
        relationship: relationship.input.value,
        first_name: firstName.input.value.trim(),
        last_name: lastName.input.value.trim(),
        birth_date: birthDate.input.value,
        sex: sex.input.value,
        cin: cin.input.value.trim(),
        studying_until: studying.input.value,
        disabled: disabled.input.checked,
        idempotency_key: key,
      });
    } catch (error) {
      showError(form, error);
      return;
    }
    const member = pick(answer, 'beneficiary', {});
    const start = pick(pick(member, 'periods', [])[0] || {}, 'start_date', casablancaToday());
    portal.notify(t('family.declared', { name: fullName(member), date: formatDay(start) }));
    portal.go('/family');
  });
  replace(portal.main, h('h1', { id: 'page-title' }, t('family.declare_title')), form, backLink());
}

export async function removePage(portal, beneficiaryId) {
  const [family, today] = await Promise.all([api.family(), askServicesToday(api)]);
  portal.signIn();
  const member = pick(family, 'beneficiaries', []).find((m) => pick(m, 'beneficiary_id', '') === beneficiaryId);
  if (!member) {
    portal.go('/family');
    return;
  }
  const reason = field({
    name: 'reason',
    label: t('field.reason'),
    options: REMOVAL_REASONS.map((r) => [r, t(`removal.${r}`)]),
  });
  const endDate = field({ name: 'end_date', label: t('field.end_date'), type: 'date', value: today });
  const form = h(
    'form',
    { novalidate: true, 'aria-labelledby': 'page-title', id: 'remove-form' },
    errorSummary(),
    reason,
    endDate,
    h('button', { type: 'submit', class: 'primary danger' }, t('family.remove_submit')),
  );
  onSubmit(form, async () => {
    clearErrors(form);
    if (!requireFilled(form, [reason, endDate])) return;
    try {
      await api.remove(beneficiaryId, reason.input.value, endDate.input.value);
    } catch (error) {
      showError(form, error);
      return;
    }
    portal.notify(t('family.removed', { name: fullName(member), date: formatDay(endDate.input.value) }));
    portal.go('/family');
  });
  replace(
    portal.main,
    h('h1', { id: 'page-title' }, t('family.remove_title', { name: fullName(member) })),
    form,
    backLink(),
  );
}

function backLink() {
  return h('p', {}, h('a', { href: '#/family' }, t('family.back')));
}
