// One criterion of an object's form: the kind of check, then that kind's own fields (a number of days,
// an operator and a text, a list, operating system types, or the criterion as JSON for registry keys),
// each with the API's error at it.
import { CheckField, SelectField, TextAreaField, TextField } from '../../components/Field';
import { useI18n } from '../../i18n';
import {
  catalogue,
  checks,
  operatorsOf,
  osTypes,
  withCheck,
  type CriterionDraft,
  type CriterionPart,
} from './criteria';
import type { Check } from './model';
import { checkLabel, operatorWords } from './words';

export function CriterionEditor({
  draft,
  number,
  error,
  onChange,
  onRemove,
}: {
  draft: CriterionDraft;
  /** 1-based, as the legend says it. */
  number: number;
  error: { part: CriterionPart; text: string } | null;
  onChange: (draft: CriterionDraft) => void;
  onRemove: (() => void) | null;
}) {
  const { t } = useI18n();
  const shape = catalogue[draft.check];
  const id = `criterion-${draft.key}`;
  const at = (part: CriterionPart): string | null => (error?.part === part ? error.text : null);
  const operators = operatorsOf(shape);
  const legend = t('postureCriterionN', { number });

  return (
    <fieldset className="posture-criterion">
      <legend>{legend}</legend>
      <div className="posture-criterion-fields">
        <SelectField
          id={`${id}-check`}
          label={t('postureCheck')}
          value={draft.check}
          error={at('check')}
          onChange={(event) => {
            onChange(withCheck(draft, event.target.value as Check));
          }}
        >
          {checks.map((check) => (
            <option key={check} value={check}>
              {`${t(checkLabel[check])} (${check})`}
            </option>
          ))}
        </SelectField>
        {operators.length > 0 && shape !== 'json' && (
          <SelectField
            id={`${id}-operator`}
            label={t('postureOperator')}
            value={draft.operator}
            error={at('operator')}
            onChange={(event) => {
              onChange({ ...draft, operator: event.target.value });
            }}
          >
            {operators.map((operator) => (
              <option key={operator} value={operator}>
                {operatorWords(operator, shape === 'list' || shape === 'os', t)}
              </option>
            ))}
          </SelectField>
        )}
        {shape === 'days' && (
          <TextField
            id={`${id}-days`}
            label={t('postureMaxDays')}
            type="number"
            inputMode="numeric"
            min={0}
            value={draft.days}
            error={at('days')}
            onChange={(event) => {
              onChange({ ...draft, days: event.target.value });
            }}
          />
        )}
        {(shape === 'text' || shape === 'version') && (
          <TextField
            id={`${id}-value`}
            label={shape === 'version' ? t('postureVersion') : t('postureText')}
            hint={shape === 'version' ? t('postureVersionHint') : undefined}
            value={draft.value}
            spellCheck={false}
            error={at('value')}
            onChange={(event) => {
              onChange({ ...draft, value: event.target.value });
            }}
          />
        )}
        {shape === 'list' && (
          <TextAreaField
            id={`${id}-values`}
            label={t('postureValues')}
            hint={t('postureValuesHint')}
            rows={3}
            spellCheck={false}
            value={draft.values}
            error={at('values')}
            onChange={(event) => {
              onChange({ ...draft, values: event.target.value });
            }}
          />
        )}
      </div>
      {shape === 'os' && (
        <div role="group" aria-label={t('postureOsTypes')} className="posture-os">
          {osTypes.map((os) => (
            <CheckField
              key={os}
              id={`${id}-os-${os}`}
              label={os}
              checked={draft.os.includes(os)}
              onChange={(event) => {
                const chosen = event.target.checked ? [...draft.os, os] : draft.os.filter((o) => o !== os);
                onChange({ ...draft, os: osTypes.filter((o) => chosen.includes(o)) });
              }}
            />
          ))}
          {at('values') !== null && (
            <span className="field-error" role="alert">
              {at('values')}
            </span>
          )}
        </div>
      )}
      {shape === 'json' && (
        <TextAreaField
          id={`${id}-json`}
          label={t('postureCriterionJson')}
          hint={t('postureCriterionJsonHint')}
          className="mono"
          rows={6}
          spellCheck={false}
          value={draft.json}
          error={at('whole')}
          onChange={(event) => {
            onChange({ ...draft, json: event.target.value });
          }}
        />
      )}
      {shape !== 'json' && at('whole') !== null && (
        <p className="field-error" role="alert">
          {at('whole')}
        </p>
      )}
      {onRemove !== null && (
        <button type="button" className="small" onClick={onRemove}>
          {t('postureRemoveCriterionN', { number })}
        </button>
      )}
    </fieldset>
  );
}
