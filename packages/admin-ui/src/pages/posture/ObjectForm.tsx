// Adding or editing a posture object: a name and its criteria (all must hold), sent as a whole; the
// API's error is shown at the field its pointer names, down to one criterion's field.
import { useState, type SyntheticEvent } from 'react';
import { api } from '../../api/client';
import { TextField } from '../../components/Field';
import { FormButtons } from '../../components/FormButtons';
import { useI18n } from '../../i18n';
import {
  buildCriterion,
  draftOf,
  newDraft,
  placeOf,
  unusedCheck,
  type CriterionDraft,
  type Place,
} from './criteria';
import { CriterionEditor } from './CriterionEditor';
import type { Criterion, PostureObject } from './model';
import { fieldOf, messageOf, Problem } from './parts';
import { useSave } from './useSave';

type Refusal = { place: Place; text: string };

export function ObjectForm({
  editing,
  onSaved,
  onCancel,
}: {
  /** null: a new object */
  editing: PostureObject | null;
  onSaved: () => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const [name, setName] = useState(editing?.name ?? '');
  const [drafts, setDrafts] = useState<CriterionDraft[]>(() =>
    editing === null ? [newDraft('av_active')] : editing.criteria.map(draftOf),
  );
  const { busy, refusal, setRefusal, save } = useSave<Refusal>(onSaved);
  const title = editing === null ? t('postureObjectNew') : t('postureObjectEdit', { name: editing.name });

  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    const criteria: Criterion[] = [];
    for (const [index, draft] of drafts.entries()) {
      const built = buildCriterion(draft);
      if (!built.ok) {
        const text = t('postureNotJson', { detail: built.detail });
        setRefusal({ place: { at: 'criterion', index, part: 'whole' }, text });
        return;
      }
      criteria.push(built.criterion);
    }
    const body = { name: name.trim(), criteria };
    save(
      editing === null
        ? api.POST('/api/v1/posture/objects', { body })
        : api.PUT('/api/v1/posture/objects/{id}', { params: { path: { id: editing.id } }, body }),
      (error) => ({ place: placeOf(fieldOf(error), drafts), text: messageOf(error) }),
    );
  };

  const place = refusal?.place;
  const errorAt = (at: Place['at']): string | null => (place?.at === at ? (refusal?.text ?? null) : null);
  const change = (index: number, draft: CriterionDraft) => {
    setDrafts(drafts.map((d, i) => (i === index ? draft : d)));
    if (place?.at === 'criterion' && place.index === index) setRefusal(null);
  };

  return (
    <form className="card posture-form" aria-label={title} onSubmit={submit} noValidate>
      <h3>{title}</h3>
      <TextField
        id="posture-object-name"
        label={t('postureName')}
        value={name}
        maxLength={256}
        required
        error={errorAt('name')}
        onChange={(event) => {
          setName(event.target.value);
          if (place?.at === 'name') setRefusal(null);
        }}
      />
      <p className="hint">{t('postureCriteriaHint')}</p>
      {drafts.map((draft, index) => (
        <CriterionEditor
          key={draft.key}
          draft={draft}
          number={index + 1}
          error={
            place?.at === 'criterion' && place.index === index && refusal !== null
              ? { part: place.part, text: refusal.text }
              : null
          }
          onChange={(next) => {
            change(index, next);
          }}
          onRemove={
            drafts.length > 1
              ? () => {
                  setDrafts(drafts.filter((_, i) => i !== index));
                  setRefusal(null);
                }
              : null
          }
        />
      ))}
      {errorAt('criteria') !== null && (
        <p className="field-error" role="alert">
          {errorAt('criteria')}
        </p>
      )}
      <div className="buttons">
        <button
          type="button"
          onClick={() => {
            setDrafts([...drafts, newDraft(unusedCheck(drafts))]);
          }}
        >
          {t('postureAddCriterion')}
        </button>
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
