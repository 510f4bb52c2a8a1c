// Posture profiles: each a name and its expression over objects, by name; add, edit, and remove after
// confirming (refused while an access rule names the profile: the API's words say which).
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { useConfirm } from '../../components/useConfirm';
import { useI18n } from '../../i18n';
import { ActionsHeader, EditRemove, ListSection } from './ListSection';
import type { PostureObject, PostureProfile } from './model';
import { messageOf, type Editing } from './parts';
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
  const [problem, setProblem] = useState<string | null>(null);

  const remove = (profile: PostureProfile) => {
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

  const removal = useConfirm<PostureProfile>(
    (profile) => ({
      title: t('postureProfileRemoveTitle', { name: profile.name }),
      text: t('postureProfileRemoveText', { name: profile.name }),
      action: t('postureRemove'),
    }),
    remove,
  );

  return (
    <ListSection
      id="posture-profiles-title"
      title={t('postureProfilesTitle')}
      hint={t('postureProfilesHint')}
      addLabel={t('postureProfileAdd')}
      canChange={canChange}
      editing={editing}
      onEditing={setEditing}
      onChanged={onChanged}
      form={(profile, close) => (
        <ProfileForm key={profile?.id ?? 'new'} editing={profile} objects={objects} {...close} />
      )}
      problem={problem}
      empty={profiles.length === 0 ? t('postureProfilesNone') : null}
      table={
        <table className="list" aria-labelledby="posture-profiles-title">
          <thead>
            <tr>
              <th scope="col">{t('postureName')}</th>
              <th scope="col">{t('postureExpression')}</th>
              {canChange && <ActionsHeader />}
            </tr>
          </thead>
          <tbody>
            {profiles.map((profile) => (
              <tr key={profile.id}>
                <td>{profile.name}</td>
                <td className="mono">{profile.expression_text}</td>
                {canChange && (
                  <td className="actions">
                    <EditRemove
                      name={profile.name}
                      onEdit={() => {
                        setEditing({ kind: 'edit', item: profile });
                      }}
                      onRemove={() => {
                        removal.ask(profile);
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
      <p className="muted">{t('postureNoProfileNote')}</p>
      {removal.dialog}
    </ListSection>
  );
}
