import { NotYet } from '../../components/NotYet';
import { useI18n } from '../../i18n';
import type { PageProps } from '../props';

/** The directory page: not in the console yet. */
export function Directory(_props: PageProps) {
  const { t } = useI18n();
  return (
    <NotYet
      title={t('navDirectory')}
      what={t('directoryWhat')}
      commands={['kordon-gateway directory --help']}
    />
  );
}
