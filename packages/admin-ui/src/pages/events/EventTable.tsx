// The loaded events: time in this browser's zone, the kind in words, account, source address, detail.
import { useI18n } from '../../i18n';
import type { EventItem } from './api';
import { kindLabel } from './model';

export function EventTable({ items }: { items: readonly EventItem[] }) {
  const { t, dateTime } = useI18n();
  return (
    <div className="table-wrap">
      <table className="list events-table" aria-label={t('eventsTable')}>
        <thead>
          <tr>
            <th scope="col">{t('eventsColTime')}</th>
            <th scope="col">{t('eventsColKind')}</th>
            <th scope="col">{t('eventsColAccount')}</th>
            <th scope="col">{t('eventsColSource')}</th>
            <th scope="col">{t('eventsColDetail')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item, index) => {
            const label = kindLabel(item.kind);
            return (
              // Events have no id in the API; the position in the list is stable while it is loaded.
              <tr key={`${String(index)}-${item.at}`}>
                <td className="nowrap">
                  <time dateTime={item.at} title={item.at}>
                    {dateTime(item.at)}
                  </time>
                </td>
                <td className="nowrap" title={item.kind}>
                  {label === null ? item.kind : t(label)}
                </td>
                <td>{item.account ?? '—'}</td>
                <td className="mono">{item.source_address ?? '—'}</td>
                <td className="events-detail">{item.detail}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
