// Posture objects: each a name and its criteria in words; add, edit, and remove after confirming
// (refused while a profile uses the object: the API's words say which).
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { Confirm } from '../../components/Confirm';
import { useI18n } from '../../i18n';
import type { PostureObject } from './model';
import { ObjectForm } from './ObjectForm';
import { messageOf, Problem, type Editing } from './parts';
import { criterionWords } from './words';

export function ObjectsSection({
  objects,
  canChange,
  onChanged,
}: {
  objects: readonly PostureObject[];
  canChange: boolean;
  onChanged: () => void;
}) {
  const { t } = useI18n();
  const [editing, setEditing] = useState<Editing<PostureObject>>({ kind: 'none' });
  const [removing, setRemoving] = useState<PostureObject | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const remove = (object: PostureObject) => {
    setRemoving(null);
    api
      .DELETE('/api/v1/posture/objects/{id}', { params: { path: { id: object.id } } })
      .then((result) => {
        unwrap(result);
        setProblem(null);
        onChanged();
      })
      .catch((error: unknown) => {
        setProblem(t('postureNotRemoved', { name: object.name, message: messageOf(error) }));
      });
  };

  return (
    <section className="page-section" aria-labelledby="posture-objects-title">
      <h2 id="posture-objects-title">{t('postureObjectsTitle')}</h2>
      <p className="muted">{t('postureObjectsHint')}</p>
      {canChange && editing.kind === 'none' && (
        <div className="toolbar">
          <button
            type="button"
            className="primary"
            onClick={() => {
              setEditing({ kind: 'new' });
            }}
          >
            {t('postureObjectAdd')}
          </button>
        </div>
      )}
      {canChange && editing.kind !== 'none' && (
        <ObjectForm
          key={editing.kind === 'edit' ? editing.item.id : 'new'}
          editing={editing.kind === 'edit' ? editing.item : null}
          onSaved={() => {
            setEditing({ kind: 'none' });
            onChanged();
          }}
          onCancel={() => {
            setEditing({ kind: 'none' });
          }}
        />
      )}
      <Problem text={problem} />
      {objects.length === 0 ? (
        <p className="empty">{t('postureObjectsNone')}</p>
      ) : (
        <table className="list" aria-labelledby="posture-objects-title">
          <thead>
            <tr>
              <th scope="col">{t('postureName')}</th>
              <th scope="col">{t('postureCriteria')}</th>
              {canChange && (
                <th scope="col" className="actions">
                  {t('postureActions')}
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {objects.map((object) => (
              <tr key={object.id}>
                <td>{object.name}</td>
                <td>
                  <ul className="posture-criteria">
                    {object.criteria.map((criterion) => (
                      <li key={criterion.check}>{criterionWords(criterion, t)}</li>
                    ))}
                  </ul>
                </td>
                {canChange && (
                  <td className="actions">
                    <button
                      type="button"
                      className="small"
                      aria-label={t('postureEditNamed', { name: object.name })}
                      onClick={() => {
                        setEditing({ kind: 'edit', item: object });
                      }}
                    >
                      {t('postureEdit')}
                    </button>
                    <button
                      type="button"
                      className="danger small"
                      aria-label={t('postureRemoveNamed', { name: object.name })}
                      onClick={() => {
                        setRemoving(object);
                      }}
                    >
                      {t('postureRemove')}
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {removing !== null && (
        <Confirm
          title={t('postureObjectRemoveTitle', { name: removing.name })}
          text={t('postureObjectRemoveText', { name: removing.name })}
          action={t('postureRemove')}
          onConfirm={() => {
            remove(removing);
          }}
          onCancel={() => {
            setRemoving(null);
          }}
        />
      )}
    </section>
  );
}
