// Posture profiles: each a name and its expression over objects, by name; add, edit, and remove after
// confirming (refused while an access rule names the profile: the API's words say which).
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { Confirm } from '../../components/Confirm';
import { useI18n } from '../../i18n';
import type { PostureObject, PostureProfile } from './model';
import { messageOf, Problem, type Editing } from './parts';
import { ProfileForm } from './ProfileForm';

export function ProfilesSection({
  profiles,
  objects,
  canChange,
  onChanged,
}: {
  profiles: readonly PostureProfile[];
  objects: readonly PostureObject[];
  canChange: boolean;
  onChanged: () => void;
}) {
  const { t } = useI18n();
  const [editing, setEditing] = useState<Editing<PostureProfile>>({ kind: 'none' });
  const [removing, setRemoving] = useState<PostureProfile | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const remove = (profile: PostureProfile) => {
    setRemoving(null);
    api
      .DELETE('/api/v1/posture/profiles/{id}', { params: { path: { id: profile.id } } })
      .then((result) => {
        unwrap(result);
        setProblem(null);
        onChanged();
      })
      .catch((error: unknown) => {
        setProblem(t('postureNotRemoved', { name: profile.name, message: messageOf(error) }));
      });
  };

  return (
    <section className="page-section" aria-labelledby="posture-profiles-title">
      <h2 id="posture-profiles-title">{t('postureProfilesTitle')}</h2>
      <p className="muted">{t('postureProfilesHint')}</p>
      {canChange && editing.kind === 'none' && (
        <div className="toolbar">
          <button
            type="button"
            className="primary"
            onClick={() => {
              setEditing({ kind: 'new' });
            }}
          >
            {t('postureProfileAdd')}
          </button>
        </div>
      )}
      {canChange && editing.kind !== 'none' && (
        <ProfileForm
          key={editing.kind === 'edit' ? editing.item.id : 'new'}
          editing={editing.kind === 'edit' ? editing.item : null}
          objects={objects}
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
      {profiles.length === 0 ? (
        <p className="empty">{t('postureProfilesNone')}</p>
      ) : (
        <table className="list" aria-labelledby="posture-profiles-title">
          <thead>
            <tr>
              <th scope="col">{t('postureName')}</th>
              <th scope="col">{t('postureExpression')}</th>
              {canChange && (
                <th scope="col" className="actions">
                  {t('postureActions')}
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {profiles.map((profile) => (
              <tr key={profile.id}>
                <td>{profile.name}</td>
                <td className="mono">{profile.expression_text}</td>
                {canChange && (
                  <td className="actions">
                    <button
                      type="button"
                      className="small"
                      aria-label={t('postureEditNamed', { name: profile.name })}
                      onClick={() => {
                        setEditing({ kind: 'edit', item: profile });
                      }}
                    >
                      {t('postureEdit')}
                    </button>
                    <button
                      type="button"
                      className="danger small"
                      aria-label={t('postureRemoveNamed', { name: profile.name })}
                      onClick={() => {
                        setRemoving(profile);
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
      <p className="muted">{t('postureNoProfileNote')}</p>
      {removing !== null && (
        <Confirm
          title={t('postureProfileRemoveTitle', { name: removing.name })}
          text={t('postureProfileRemoveText', { name: removing.name })}
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
