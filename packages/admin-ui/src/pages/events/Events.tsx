import type { PageProps } from '../props';
import { NotYet } from '../../components/NotYet';
import { useI18n } from '../../i18n';

/** The event log (GET /api/v1/events): not in the console yet. */
export function Events(_props: PageProps) {
  const { t } = useI18n();
  return (
    <NotYet
      title={t('navEvents')}
      what={t('eventsWhat')}
      commands={[
        'GET /api/v1/events?kind=&account=&since=&until=',
        'kordon-gateway events [--json-lines] [--limit N]',
      ]}
    />
  );
}
