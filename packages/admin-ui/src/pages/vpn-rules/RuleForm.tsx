// One rule's action, users and groups, to add (with its place: at the end or at the top) or to change;
// the API's errors shown at their field.
import { useEffect, useState, type SyntheticEvent } from 'react';
import { ApiFailure, messageOf } from '../../api/client';
import { SelectField, TextField } from '../../components/Field';
import { useI18n } from '../../i18n';
import { fieldOf, namesOf, type RuleField, type VpnRuleAction } from './rules';

export type Place = 'end' | 'top';

export interface RuleDraft {
  action: VpnRuleAction;
  users: string[];
  groups: string[];
  place: Place;
}

export function RuleForm({
  idPrefix,
  title,
  initial,
  withPlace,
  disabled,
  submitLabel,
  busyLabel,
  onSave,
  onCancel,
  focusUsers = false,
}: {
  /** Makes the controls' ids unique (the add form and an edited row are on one page). */
  idPrefix: string;
  title: string;
  initial: { action: VpnRuleAction; users: readonly string[]; groups: readonly string[] };
  withPlace: boolean;
  disabled: boolean;
  submitLabel: string;
  busyLabel: string;
  /** Resolves once saved; an ApiFailure with a field is shown there. */
  onSave: (draft: RuleDraft) => Promise<void>;
  onCancel?: () => void;
  /** Opened for one rule: the users field takes the focus. */
  focusUsers?: boolean;
}) {
  const { t } = useI18n();
  const [action, setAction] = useState<VpnRuleAction>(initial.action);
  const [users, setUsers] = useState(initial.users.join(', '));
  const [groups, setGroups] = useState(initial.groups.join(', '));
  const [place, setPlace] = useState<Place>('end');
  const [saving, setSaving] = useState(false);
  const [errors, setErrors] = useState<Partial<Record<RuleField, string>>>({});
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    if (focusUsers) document.getElementById(`${idPrefix}-users`)?.focus();
  }, [focusUsers, idPrefix]);

  const submit = async (event: SyntheticEvent) => {
    event.preventDefault();
    setSaving(true);
    setErrors({});
    setProblem(null);
    try {
      await onSave({ action, users: namesOf(users), groups: namesOf(groups), place });
      if (withPlace) {
        // The add form is ready for the next rule.
        setUsers('');
        setGroups('');
      }
    } catch (error) {
      const field = error instanceof ApiFailure ? fieldOf(error.field) : null;
      if (field === 'users' || field === 'groups' || field === 'action') {
        setErrors({ [field]: messageOf(error) });
        setProblem(t('vpnRulesFailedField'));
      } else setProblem(t('vpnRulesFailed', { message: messageOf(error) }));
    } finally {
      setSaving(false);
    }
  };

  const forget = (field: RuleField) => {
    setErrors((before) => Object.fromEntries(Object.entries(before).filter(([key]) => key !== field)));
    setProblem(null);
  };

  return (
    <form
      className="vpn-rule-form"
      aria-label={title}
      noValidate
      onSubmit={(event) => {
        void submit(event);
      }}
    >
      <fieldset disabled={disabled || saving}>
        <legend>{title}</legend>
        <div className="vpn-rule-fields">
          <SelectField
            id={`${idPrefix}-action`}
            label={t('vpnRulesAction')}
            value={action}
            error={errors.action}
            onChange={(event) => {
              setAction(event.target.value === 'deny' ? 'deny' : 'allow');
              forget('action');
            }}
          >
            <option value="allow">{t('vpnRulesActionAllow')}</option>
            <option value="deny">{t('vpnRulesActionDeny')}</option>
          </SelectField>
          <TextField
            id={`${idPrefix}-users`}
            label={t('vpnRulesUsers')}
            hint={t('vpnRulesUsersHint')}
            value={users}
            placeholder="alice, bob, *"
            autoCapitalize="none"
            autoComplete="off"
            spellCheck={false}
            error={errors.users}
            onChange={(event) => {
              setUsers(event.target.value);
              forget('users');
            }}
          />
          <TextField
            id={`${idPrefix}-groups`}
            label={t('vpnRulesGroups')}
            hint={t('vpnRulesGroupsHint')}
            value={groups}
            placeholder="staff, CORP\vpn-users"
            autoCapitalize="none"
            autoComplete="off"
            spellCheck={false}
            error={errors.groups}
            onChange={(event) => {
              setGroups(event.target.value);
              forget('groups');
            }}
          />
        </div>
        <div className="vpn-rule-form-end">
          {withPlace && (
            <fieldset className="vpn-rule-place">
              <legend>{t('vpnRulesPlace')}</legend>
              {(['end', 'top'] as const).map((value) => (
                <label key={value}>
                  <input
                    type="radio"
                    name={`${idPrefix}-place`}
                    value={value}
                    checked={place === value}
                    onChange={() => {
                      setPlace(value);
                    }}
                  />
                  {value === 'end' ? t('vpnRulesPlaceEnd') : t('vpnRulesPlaceTop')}
                </label>
              ))}
            </fieldset>
          )}
          <div className="buttons">
            <button type="submit" className="primary">
              {saving ? busyLabel : submitLabel}
            </button>
            {onCancel !== undefined && (
              <button type="button" onClick={onCancel}>
                {t('cancel')}
              </button>
            )}
            {problem !== null && (
              <span role="alert" className="status problem">
                {problem}
              </span>
            )}
          </div>
        </div>
      </fieldset>
    </form>
  );
}
