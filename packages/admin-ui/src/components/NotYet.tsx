import { useI18n } from '../i18n';

/** A section the console does not have yet, with what it will hold and what does it meanwhile. */
export function NotYet({
  title,
  what,
  commands,
}: {
  title: string;
  what: string;
  commands: readonly string[];
}) {
  const { t } = useI18n();
  return (
    <section className="not-yet" aria-labelledby="page-title">
      <h1 id="page-title">{title}</h1>
      <p>{what}</p>
      <p className="note">{t('notYet')}</p>
      <p>{t('notYetMeanwhile')}</p>
      <ul className="commands">
        {commands.map((command) => (
          <li key={command}>
            <code>{command}</code>
          </li>
        ))}
      </ul>
    </section>
  );
}
