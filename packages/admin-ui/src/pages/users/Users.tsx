import type { PageProps } from '../props';
import { NotYet } from '../../components/NotYet';
import { useI18n } from '../../i18n';

/** Users and groups (GET /api/v1/users, /api/v1/groups): not in the console yet. */
export function Users(_props: PageProps) {
  const { t } = useI18n();
  return (
    <NotYet
      title={t('navUsers')}
      what={t('usersWhat')}
      commands={[
        'GET/POST /api/v1/users, PATCH/DELETE /api/v1/users/{name}',
        'GET/POST /api/v1/groups, PUT/DELETE /api/v1/groups/{name}/members/{user}',
        'kordon-gateway user add|list|passwd|disable|enable|remove',
        'kordon-gateway group add|list|remove|add-member|remove-member',
      ]}
    />
  );
}
