// What stands around a list the gateway pages (usePagedList): why a page did not come, and the
// button that asks for the next one.
import { useI18n } from '../i18n';

export function ListProblem({ problem }: { problem: string | null }) {
  const { t } = useI18n();
  if (problem === null) return null;
  return (
    <p role="alert" className="problem">
      {t('error', { message: problem })}
    </p>
  );
}

/** There only while a page is left (`more` not null). */
export function ShowMore({ more, label }: { more: (() => void) | null; label: string }) {
  if (more === null) return null;
  return (
    <div className="list-more">
      <button type="button" onClick={more}>
        {label}
      </button>
    </div>
  );
}
