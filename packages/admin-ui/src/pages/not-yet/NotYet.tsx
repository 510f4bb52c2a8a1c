import { useI18n } from '../../i18n';

/** A section the console does not have yet (the API and the CLI do). */
export function NotYet({ title }: { title: string }) {
  const { t } = useI18n();
  return (
    <section>
      <h1>{title}</h1>
      <p>{t('notYet')}</p>
    </section>
  );
}
