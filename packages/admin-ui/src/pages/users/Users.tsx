// Users and groups (GET /api/v1/users, /api/v1/groups): the local users and the groups VPN-access rules
// name. The groups list is loaded here, as both halves read it: the users' "groups" column comes from it.
import { useMemo } from 'react';
import { api, unwrap } from '../../api/client';
import { usePagedList } from '../../components/usePagedList';
import { useI18n } from '../../i18n';
import type { PageProps } from '../props';
import { GroupsSection } from './GroupsSection';
import { UsersSection } from './UsersSection';
import { groupPageSize, membershipsOf } from './model';
import './users.css';

export function Users({ canChange }: PageProps) {
  const { t } = useI18n();
  const groups = usePagedList(
    async (cursor) =>
      unwrap(
        await api.GET('/api/v1/groups', {
          params: { query: { limit: String(groupPageSize), ...(cursor === null ? {} : { cursor }) } },
        }),
      ),
    'groups',
  );
  const memberships = useMemo(() => membershipsOf(groups.items), [groups.items]);
  return (
    <section className="users-page" aria-labelledby="page-title">
      <h1 id="page-title">{t('usersTitle')}</h1>
      <UsersSection canChange={canChange} memberships={memberships} onMembershipsChanged={groups.reload} />
      <GroupsSection canChange={canChange} list={groups} />
    </section>
  );
}
