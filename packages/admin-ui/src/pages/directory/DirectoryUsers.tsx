// A search of the directory's users, asked of the directory at once: the quickest check that the
// gateway can reach the domain controller, bind and search (503 directory_unavailable says why not).
import { useState, type SyntheticEvent } from 'react';
import { api, messageOf, unwrap } from '../../api/client';
import { TextField } from '../../components/Field';
import { useI18n } from '../../i18n';
import type { DirectoryUser } from './model';

type Found =
  | { kind: 'idle' }
  | { kind: 'asking' }
  | { kind: 'failed'; text: string }
  | { kind: 'found'; search: string; users: DirectoryUser[] };

export function DirectoryUsers() {
  const { t } = useI18n();
  const [search, setSearch] = useState('');
  const [found, setFound] = useState<Found>({ kind: 'idle' });

  const find = (event: SyntheticEvent) => {
    event.preventDefault();
    const asked = search.trim();
    setFound({ kind: 'asking' });
    api
      .GET('/api/v1/directory/users', { params: { query: { search: asked, limit: '50' } } })
      .then((result) => {
        setFound({ kind: 'found', search: asked, users: unwrap(result).items });
      })
      .catch((error: unknown) => {
        setFound({ kind: 'failed', text: messageOf(error) });
      });
  };

  return (
    <section className="page-section" aria-labelledby="directory-find-title">
      <h2 id="directory-find-title">{t('directoryFind')}</h2>
      <p className="muted">{t('directoryFindHint')}</p>
      <form className="inline-form" onSubmit={find}>
        <TextField
          id="directory-find"
          label={t('directoryFindLabel')}
          type="search"
          value={search}
          maxLength={256}
          autoComplete="off"
          onChange={(event) => {
            setSearch(event.target.value);
          }}
        />
        <button type="submit" disabled={found.kind === 'asking'}>
          {found.kind === 'asking' ? t('directoryFinding') : t('directoryFindButton')}
        </button>
      </form>
      {found.kind === 'failed' && (
        <p role="alert" className="problem">
          {t('error', { message: found.text })}
        </p>
      )}
      {found.kind === 'found' && found.users.length === 0 && (
        <p className="empty">{t('directoryFindNone', { search: found.search })}</p>
      )}
      {found.kind === 'found' && found.users.length > 0 && (
        <table className="list" aria-labelledby="directory-find-title">
          <thead>
            <tr>
              <th scope="col">{t('directoryColAccount')}</th>
              <th scope="col">{t('directoryColName')}</th>
              <th scope="col">{t('directoryColDisplayName')}</th>
              <th scope="col">{t('directoryColRestriction')}</th>
            </tr>
          </thead>
          <tbody>
            {found.users.map((user) => (
              <tr key={user.account}>
                <td className="mono">{user.account}</td>
                <td>{user.name}</td>
                <td>{user.display_name ?? '—'}</td>
                <td className={user.restriction === null ? undefined : 'problem'}>
                  {user.restriction ?? t('directoryMayLogIn')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
