// Posture objects: each a name and its criteria in words; add, edit, and remove after confirming
// (refused while a profile uses the object: the API's words say which).
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { useConfirm } from '../../components/useConfirm';
import { useI18n } from '../../i18n';
import { ActionsHeader, EditRemove, ListSection } from './ListSection';
import type { PostureObject } from './model';
import { ObjectForm } from './ObjectForm';
import { messageOf, type Editing } from './parts';
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
  const [problem, setProblem] = useState<string | null>(null);

  const remove = (object: PostureObject) => {
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

  const removal = useConfirm<PostureObject>(
    (object) => ({
      title: t('postureObjectRemoveTitle', { name: object.name }),
      text: t('postureObjectRemoveText', { name: object.name }),
      action: t('postureRemove'),
    }),
    remove,
  );

  return (
    <ListSection
      id="posture-objects-title"
      title={t('postureObjectsTitle')}
      hint={t('postureObjectsHint')}
      addLabel={t('postureObjectAdd')}
      canChange={canChange}
      editing={editing}
      onEditing={setEditing}
      onChanged={onChanged}
      form={(object, close) => <ObjectForm key={object?.id ?? 'new'} editing={object} {...close} />}
      problem={problem}
      empty={objects.length === 0 ? t('postureObjectsNone') : null}
      table={
        <table className="list" aria-labelledby="posture-objects-title">
          <thead>
            <tr>
              <th scope="col">{t('postureName')}</th>
              <th scope="col">{t('postureCriteria')}</th>
              {canChange && <ActionsHeader />}
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
                    <EditRemove
                      name={object.name}
                      onEdit={() => {
                        setEditing({ kind: 'edit', item: object });
                      }}
                      onRemove={() => {
                        removal.ask(object);
                      }}
                    />
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      }
    >
      {removal.dialog}
    </ListSection>
  );
}
