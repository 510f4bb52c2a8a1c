import { useI18n } from '../../i18n';

/** The next page of a list, saying how many rows there are of how many; there only while one is left. */
export function MoreButton({
  list,
}: {
  list: { items: readonly unknown[]; total: number; more: (() => void) | null };
}) {
  const { t } = useI18n();
  if (list.more === null) return null;
  return (
    <button type="button" className="list-more" onClick={list.more}>
      {t('usersMore', { shown: list.items.length, total: list.total })}
    </button>
  );
}
