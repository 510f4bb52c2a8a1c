import type { PageProps } from '../props';
import { NotYet } from '../../components/NotYet';
import { useI18n } from '../../i18n';

/** API tokens and administrators (GET /api/v1/tokens, /api/v1/admins): not in the console yet. */
export function Tokens(_props: PageProps) {
  const { t } = useI18n();
  return (
    <NotYet
      title={t('navTokens')}
      what={t('tokensWhat')}
      commands={[
        'GET/POST /api/v1/tokens, DELETE /api/v1/tokens/{id}',
        'GET/POST /api/v1/admins, PUT /api/v1/admins/{name}/password, DELETE /api/v1/admins/{name}',
        'kordon-gateway token create',
        'kordon-gateway admin add',
      ]}
    />
  );
}
