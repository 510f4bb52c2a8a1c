// Adding or editing a posture profile: a name and an expression over objects, written with their names
// (`Antivirus and (Firewall or "OS updates")`) and sent as text: the gateway reads it and its refusal is
// shown at the field its pointer names.
import { useState, type SyntheticEvent } from 'react';
import { api, unwrap } from '../../api/client';
import { TextField } from '../../components/Field';
import { useI18n } from '../../i18n';
import { appendName } from './expression';
import { pointerTokens, type PostureObject, type PostureProfile } from './model';
import { fieldOf, messageOf, Problem } from './parts';

type Refusal = { at: 'name' | 'expression' | 'form'; text: string } | null;

const placeOf = (field: string | null): 'name' | 'expression' | 'form' => {
  const first = field === null ? undefined : pointerTokens(field)[0];
  return first === 'name' || first === 'expression' ? first : 'form';
};

export function ProfileForm({
  editing,
  objects,
  onSaved,
  onCancel,
}: {
  /** null: a new profile */
  editing: PostureProfile | null;
  objects: readonly PostureObject[];
  onSaved: () => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const [name, setName] = useState(editing?.name ?? '');
  const [text, setText] = useState(editing?.expression_text ?? '');
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<Refusal>(null);
  const title = editing === null ? t('postureProfileNew') : t('postureProfileEdit', { name: editing.name });

  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    const body = { name: name.trim(), expression: text.trim() };
    setBusy(true);
    setRefusal(null);
    const request =
      editing === null
        ? api.POST('/api/v1/posture/profiles', { body })
        : api.PUT('/api/v1/posture/profiles/{id}', { params: { path: { id: editing.id } }, body });
    request
      .then((result) => {
        unwrap(result);
        onSaved();
      })
      .catch((error: unknown) => {
        setRefusal({ at: placeOf(fieldOf(error)), text: messageOf(error) });
      })
      .finally(() => {
        setBusy(false);
      });
  };

  const errorAt = (at: 'name' | 'expression' | 'form'): string | null =>
    refusal?.at === at ? refusal.text : null;
  const insert = (object: PostureObject) => {
    setText(appendName(text, object.name));
    if (refusal?.at === 'expression') setRefusal(null);
  };

  return (
    <form className="card posture-form" aria-label={title} onSubmit={submit} noValidate>
      <h3>{title}</h3>
      <TextField
        id="posture-profile-name"
        label={t('postureName')}
        value={name}
        maxLength={256}
        required
        error={errorAt('name')}
        onChange={(event) => {
          setName(event.target.value);
          if (refusal?.at === 'name') setRefusal(null);
        }}
      />
      <TextField
        id="posture-profile-expression"
        label={t('postureExpression')}
        hint={t('postureExpressionHint')}
        value={text}
        spellCheck={false}
        autoComplete="off"
        placeholder='Antivirus and (Firewall or "OS updates")'
        error={errorAt('expression')}
        onChange={(event) => {
          setText(event.target.value);
          if (refusal?.at === 'expression') setRefusal(null);
        }}
      />
      <div className="posture-names" role="group" aria-label={t('postureObjectNames')}>
        <span className="muted">{t('postureObjectNames')}:</span>{' '}
        {objects.length === 0 && <span className="muted">{t('postureObjectsNone')}</span>}
        {objects.map((object) => (
          <button
            key={object.id}
            type="button"
            className="small tag"
            aria-label={t('postureInsertName', { name: object.name })}
            onClick={() => {
              insert(object);
            }}
          >
            {object.name}
          </button>
        ))}
      </div>
      <Problem text={errorAt('form') === null ? null : t('saveFailed', { message: errorAt('form') ?? '' })} />
      <div className="buttons">
        <button type="submit" className="primary" disabled={busy || name.trim() === ''}>
          {busy ? t('saving') : t('save')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}
