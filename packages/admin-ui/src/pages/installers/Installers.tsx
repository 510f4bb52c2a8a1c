import type { PageProps } from '../props';
import { NotYet } from '../../components/NotYet';
import { useI18n } from '../../i18n';

/** Client installers (GET /api/v1/installers): not in the console yet. */
export function Installers(_props: PageProps) {
  const { t } = useI18n();
  return (
    <NotYet
      title={t('navInstallers')}
      what={t('installersWhat')}
      commands={[
        'GET /api/v1/installers, PUT/DELETE /api/v1/installers/{os}',
        'kordon-gateway installer add',
      ]}
    />
  );
}
