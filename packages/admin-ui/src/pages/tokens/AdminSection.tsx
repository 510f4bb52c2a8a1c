// Administrators (GET/POST /api/v1/admins, PUT /api/v1/admins/{name}/password, DELETE
// /api/v1/admins/{name}): the list with who is signed in marked, adding one, setting a password, and
// removing with a confirmation (twice for yourself, see confirmationsToRemove).
import { useCallback, useState } from 'react';
import { ApiFailure, api, messageOf, unwrap } from '../../api/client';
import type { Me } from '../../api/types';
import { Confirm } from '../../components/Confirm';
import { useI18n } from '../../i18n';
import { AddAdminForm, ResetPasswordDialog } from './AdminForms';
import { DirectoryNote } from './DirectoryNote';
import { confirmationsToRemove, isYou, problemOf, type AdminItem } from './model';
import { OutcomeLine, VisibleList, type Outcome } from './parts';
import { useVisibleList } from './useVisibleList';

type Removing = { admin: AdminItem; step: 1 | 2 };

/** After a change that ended this console session: /me answers 401, and the app goes to sign-in. */
function askWhoIAm(): void {
  void api.GET('/api/v1/me').catch(() => undefined);
}

export function AdminSection({ canChange, me }: { canChange: boolean; me: Me }) {
  const { t, dateTime } = useI18n();
  const fetchPage = useCallback(
    async (cursor: string | null) =>
      unwrap(await api.GET('/api/v1/admins', { params: { query: cursor === null ? {} : { cursor } } })),
    [],
  );
  const list = useVisibleList<AdminItem>(fetchPage);
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'none' });
  const [resetting, setResetting] = useState<AdminItem | null>(null);
  const [removing, setRemoving] = useState<Removing | null>(null);

  const remove = async ({ admin, step }: Removing) => {
    if (step < confirmationsToRemove(admin, me)) {
      setRemoving({ admin, step: 2 });
      return;
    }
    setRemoving(null);
    try {
      const result = await api.DELETE('/api/v1/admins/{name}', { params: { path: { name: admin.name } } });
      if (result.response.status !== 404) unwrap(result);
      setOutcome({ kind: 'done', text: t('tkAdminRemoved', { name: admin.name }) });
      if (isYou(admin, me)) askWhoIAm();
    } catch (error) {
      const text =
        error instanceof ApiFailure
          ? problemOf(error, [], t('tkLastAdmin', { name: admin.name })).text
          : messageOf(error);
      setOutcome({ kind: 'failed', text: t('tkFailed', { message: text }) });
    }
    list.reload();
  };

  return (
    <section className="page-section" aria-labelledby="admins-title">
      <h2 id="admins-title">{t('tkAdminsSection')}</h2>
      <p className="muted">{t('tkAdminsHint')}</p>
      <DirectoryNote />
      <VisibleList
        list={list}
        forbidden={t('tkAdminsForbidden')}
        count={t('tkAdminsCount', { count: list.total })}
        none={t('tkNoAdmins')}
      >
        <table className="list" aria-labelledby="admins-title">
          <thead>
            <tr>
              <th scope="col">{t('tkColName')}</th>
              <th scope="col">{t('tkColRole')}</th>
              <th scope="col">{t('tkColCreated')}</th>
              {canChange && <th scope="col">{t('colActions')}</th>}
            </tr>
          </thead>
          <tbody>
            {list.items.map((admin) => (
              <tr key={admin.name}>
                <td>
                  {/* Spaces between the name and its tags: the row's accessible name reads them apart. */}
                  {admin.name}
                  {isYou(admin, me) && (
                    <>
                      {' '}
                      <span className="tag you">{t('tkYouTag')}</span>
                    </>
                  )}
                  {admin.must_change_password && (
                    <>
                      {' '}
                      <span className="tag warn">{t('tkMustChangeTag')}</span>
                    </>
                  )}
                  {admin.source === 'directory' && (
                    <>
                      {' '}
                      <span className="tag" title={t('tkDirectoryTagHint')}>
                        {t('tkDirectoryTag')}
                      </span>
                    </>
                  )}
                </td>
                <td>{admin.role === 'admin' ? t('roleAdmin') : t('roleViewer')}</td>
                <td className="nowrap">{dateTime(admin.created_at)}</td>
                {canChange && (
                  <td className="actions">
                    {/* A directory administrator's password is the directory's: nothing to reset here. */}
                    {admin.source === 'local' && (
                      <button
                        type="button"
                        className="small"
                        aria-label={`${t('tkResetPassword')}: ${admin.name}`}
                        onClick={() => {
                          setResetting(admin);
                        }}
                      >
                        {t('tkResetPassword')}
                      </button>
                    )}
                    <button
                      type="button"
                      className="danger small"
                      aria-label={`${t('tkRemoveAdmin')}: ${admin.name}`}
                      onClick={() => {
                        setRemoving({ admin, step: 1 });
                      }}
                    >
                      {t('tkRemoveAdmin')}
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </VisibleList>
      <OutcomeLine outcome={outcome} />
      {canChange && (
        <AddAdminForm
          onAdded={(name) => {
            setOutcome({ kind: 'done', text: t('tkAdminAdded', { name }) });
            list.reload();
          }}
        />
      )}
      {resetting !== null && (
        <ResetPasswordDialog
          admin={resetting}
          you={isYou(resetting, me)}
          onCancel={() => {
            setResetting(null);
          }}
          onDone={() => {
            setResetting(null);
            setOutcome({ kind: 'done', text: t('tkPasswordSet', { name: resetting.name }) });
            if (isYou(resetting, me)) askWhoIAm();
            list.reload();
          }}
        />
      )}
      {removing !== null && (
        <Confirm
          // A new key per step: the second question is a new dialog, with the focus on Cancel again.
          key={removing.step}
          title={removing.step === 1 ? t('tkRemoveAdminTitle') : t('tkRemoveSelfTitle')}
          text={
            removing.step === 1
              ? t('tkRemoveAdminConfirm', { name: removing.admin.name })
              : t('tkRemoveSelfConfirm', { name: removing.admin.name })
          }
          action={removing.step === 1 ? t('tkRemoveAdmin') : t('tkRemoveSelf')}
          onConfirm={() => void remove(removing)}
          onCancel={() => {
            setRemoving(null);
          }}
        />
      )}
    </section>
  );
}
