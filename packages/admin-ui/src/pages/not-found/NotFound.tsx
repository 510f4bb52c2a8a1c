import { Link } from '../../components/Link';
import { useI18n } from '../../i18n';

/** An address under /admin/ that is no page of the console. */
export function NotFound() {
  const { t } = useI18n();
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t('notFoundTitle')}</h1>
      <p>{t('notFoundText')}</p>
      <p>
        <Link page="monitor" current={false}>
          {t('navMonitor')}
        </Link>
      </p>
    </section>
  );
}
