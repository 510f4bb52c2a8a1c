// Adding or editing an access rule: the profiles it matches (any of them), the destination networks,
// allow or deny, and optionally its position (left empty: after the last rule when added, kept when
// edited). The API's error is shown at the field its pointer names.
import { useState, type SyntheticEvent } from 'react';
import { api } from '../../api/client';
import { CheckField, SelectField, TextAreaField, TextField } from '../../components/Field';
import { FormButtons } from '../../components/FormButtons';
import { useI18n } from '../../i18n';
import { splitItems } from './criteria';
import { noProfileKey, pointerTokens, type AccessRule, type PostureProfile, type RuleAction } from './model';
import { fieldOf, messageOf, Problem } from './parts';
import { useSave } from './useSave';

type At = 'profiles' | 'to' | 'action' | 'position' | 'form';
const fields: readonly At[] = ['profiles', 'to', 'action', 'position'];

const placeOf = (field: string | null): At => {
  const first = field === null ? undefined : pointerTokens(field)[0];
  return fields.find((at) => at === first) ?? 'form';
};

const actions: readonly RuleAction[] = ['allow', 'deny'];

export function AccessRuleForm({
  editing,
  profiles,
  onSaved,
  onCancel,
}: {
  /** null: a new rule */
  editing: AccessRule | null;
  profiles: readonly PostureProfile[];
  onSaved: () => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const [chosen, setChosen] = useState<string[]>(editing?.profiles ?? []);
  const [to, setTo] = useState(editing?.to.join('\n') ?? '');
  const [action, setAction] = useState<RuleAction>(editing?.action ?? 'allow');
  const [position, setPosition] = useState(editing === null ? '' : String(editing.position));
  const { busy, refusal, setRefusal, save } = useSave<{ at: At; text: string }>(onSaved);
  const title = editing === null ? t('postureRuleNew') : t('postureRuleEdit', { position: editing.position });
  // The reserved key first, then the profiles by name; a profile the rule names that is gone stays.
  const choices = [
    { key: noProfileKey, name: t('postureNoProfile') },
    ...profiles.map((p) => ({ key: p.id, name: p.name })),
    ...chosen
      .filter((key) => key !== noProfileKey && !profiles.some((p) => p.id === key))
      .map((key) => ({ key, name: key })),
  ];

  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    const text = position.trim();
    // A position that is no number goes as null: the API says what a position is.
    const at = text === '' ? undefined : Number(text);
    const body = {
      // In the order the choices are listed, so the rule reads as the form did.
      profiles: choices.map((c) => c.key).filter((key) => chosen.includes(key)),
      to: splitItems(to),
      action,
      ...(at === undefined ? {} : { position: at }),
    };
    save(
      editing === null
        ? api.POST('/api/v1/access-rules', { body })
        : api.PUT('/api/v1/access-rules/{id}', { params: { path: { id: editing.id } }, body }),
      (error) => ({ at: placeOf(fieldOf(error)), text: messageOf(error) }),
    );
  };

  const errorAt = (at: At): string | null => (refusal?.at === at ? refusal.text : null);
  const edited = (at: At) => {
    if (refusal?.at === at) setRefusal(null);
  };

  return (
    <form className="card posture-form" aria-label={title} onSubmit={submit} noValidate>
      <h3>{title}</h3>
      <fieldset
        className="posture-profiles"
        aria-describedby={errorAt('profiles') === null ? undefined : 'rule-profiles-error'}
      >
        <legend>{t('postureRuleProfiles')}</legend>
        <p className="hint">{t('postureRuleProfilesHint')}</p>
        {choices.map((choice) => (
          <CheckField
            key={choice.key}
            id={`rule-profile-${choice.key.replace(/[^a-zA-Z0-9_-]/g, '_')}`}
            label={choice.name}
            checked={chosen.includes(choice.key)}
            onChange={(event) => {
              setChosen(
                event.target.checked ? [...chosen, choice.key] : chosen.filter((key) => key !== choice.key),
              );
              edited('profiles');
            }}
          />
        ))}
        {errorAt('profiles') !== null && (
          <span className="field-error" role="alert" id="rule-profiles-error">
            {errorAt('profiles')}
          </span>
        )}
      </fieldset>
      <TextAreaField
        id="rule-to"
        label={t('postureRuleTo')}
        hint={t('postureRuleToHint')}
        rows={3}
        spellCheck={false}
        value={to}
        error={errorAt('to')}
        onChange={(event) => {
          setTo(event.target.value);
          edited('to');
        }}
      />
      <SelectField
        id="rule-action"
        label={t('postureRuleAction')}
        value={action}
        error={errorAt('action')}
        onChange={(event) => {
          setAction(event.target.value === 'deny' ? 'deny' : 'allow');
          edited('action');
        }}
      >
        {actions.map((a) => (
          <option key={a} value={a}>
            {a === 'allow' ? t('postureAllow') : t('postureDeny')}
          </option>
        ))}
      </SelectField>
      <TextField
        id="rule-position"
        label={t('postureRulePosition')}
        hint={editing === null ? t('postureRulePositionNewHint') : t('postureRulePositionHint')}
        type="number"
        inputMode="numeric"
        min={0}
        value={position}
        error={errorAt('position')}
        onChange={(event) => {
          setPosition(event.target.value);
          edited('position');
        }}
      />
      <Problem text={errorAt('form') === null ? null : t('saveFailed', { message: errorAt('form') ?? '' })} />
      <FormButtons label={t('save')} busyLabel={t('saving')} busy={busy} onCancel={onCancel} />
    </form>
  );
}
