// Adding or editing a posture profile: a name and an expression over objects, written with their names
// (`Antivirus and (Firewall or "OS updates")`) and sent as text: the gateway reads it and its refusal is
// shown at the field its pointer names.
import { useState, type SyntheticEvent } from 'react';
import { api } from '../../api/client';
import { TextField } from '../../components/Field';
import { FormButtons } from '../../components/FormButtons';
import { useI18n } from '../../i18n';
import { appendName } from './expression';
import { pointerTokens, type PostureObject, type PostureProfile } from './model';
import { fieldOf, messageOf, Problem } from './parts';
import { useSave } from './useSave';

type Refusal = { at: 'name' | 'expression' | 'form'; text: string };

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
  const { busy, refusal, setRefusal, save } = useSave<Refusal>(onSaved);
  const title = editing === null ? t('postureProfileNew') : t('postureProfileEdit', { name: editing.name });

  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    const body = { name: name.trim(), expression: text.trim() };
    save(
      editing === null
        ? api.POST('/api/v1/posture/profiles', { body })
        : api.PUT('/api/v1/posture/profiles/{id}', { params: { path: { id: editing.id } }, body }),
      (error) => ({ at: placeOf(fieldOf(error)), text: messageOf(error) }),
    );
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
      <FormButtons
        label={t('save')}
        busyLabel={t('saving')}
        busy={busy}
        disabled={name.trim() === ''}
        onCancel={onCancel}
      />
    </form>
  );
}
