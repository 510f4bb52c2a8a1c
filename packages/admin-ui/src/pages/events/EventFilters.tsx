// The event log's filters: kinds (none chosen = all), the exact account, a time window in the browser's
// local time, a free-text search and the order; an API error about one of them is shown at it.
import { useState } from 'react';
import { TextField } from '../../components/Field';
import { useI18n } from '../../i18n';
import {
  eventKinds,
  isoToLocalInput,
  kindLabel,
  localInputToIso,
  type EventFilters,
  type FilterField,
} from './model';

export interface FieldError {
  field: FilterField;
  message: string;
}

interface Props {
  filters: EventFilters;
  /** What is typed in the text boxes now (the filters take it once typing pauses). */
  typed: { account: string; search: string };
  onType: (typed: { account: string; search: string }) => void;
  onChange: (filters: EventFilters) => void;
  onClear: () => void;
  error: FieldError | null;
}

export function EventFiltersForm({ filters, typed, onType, onChange, onClear, error }: Props) {
  const { t } = useI18n();
  const errorAt = (field: FilterField) => (error?.field === field ? error.message : null);
  // A kind the page's link named that this console does not know (a newer gateway's) stays listed
  // while the page is open, ticked or not: unticking it must not make it vanish under the pointer.
  const [linkedKinds] = useState(() => filters.kinds.filter((kind) => kindLabel(kind) === null));
  const kinds = [...eventKinds, ...linkedKinds];
  const kindsError = errorAt('kinds');
  const toggle = (kind: string, on: boolean) => {
    const rest = filters.kinds.filter((chosen) => chosen !== kind);
    onChange({ ...filters, kinds: on ? [...rest, kind] : rest });
  };
  const time = (field: 'since' | 'until', value: string) => {
    const iso = localInputToIso(value);
    if (iso !== null) onChange({ ...filters, [field]: iso });
  };
  return (
    <form
      className="card events-filters"
      aria-label={t('eventsFilters')}
      onSubmit={(event) => {
        event.preventDefault();
      }}
    >
      <fieldset
        className="events-kinds"
        aria-describedby={kindsError === null ? 'events-kinds-hint' : 'events-kinds-error'}
        aria-invalid={kindsError === null ? undefined : true}
      >
        <legend>{t('eventsKinds')}</legend>
        <span className="hint" id="events-kinds-hint">
          {t('eventsKindsHint')}
        </span>
        <div className="events-kind-list">
          {kinds.map((kind) => {
            const label = kindLabel(kind);
            const id = `events-kind-${kind.replace(/[^\w-]/g, '_')}`;
            return (
              <span className="check" key={kind}>
                <input
                  id={id}
                  type="checkbox"
                  checked={filters.kinds.includes(kind)}
                  onChange={(event) => {
                    toggle(kind, event.target.checked);
                  }}
                />
                <label htmlFor={id} title={kind}>
                  {label === null ? t('eventsUnknownKind', { kind }) : t(label)}
                </label>
              </span>
            );
          })}
        </div>
        {kindsError !== null && (
          <span className="field-error" role="alert" id="events-kinds-error">
            {kindsError}
          </span>
        )}
      </fieldset>
      <div className="events-fields">
        <TextField
          id="events-account"
          label={t('eventsAccount')}
          hint={t('eventsAccountHint')}
          error={errorAt('account')}
          value={typed.account}
          autoComplete="off"
          spellCheck={false}
          onChange={(event) => {
            onType({ ...typed, account: event.target.value });
          }}
        />
        <TextField
          id="events-since"
          label={t('eventsSince')}
          hint={t('eventsSinceHint')}
          error={errorAt('since')}
          type="datetime-local"
          step={1}
          value={isoToLocalInput(filters.since)}
          onChange={(event) => {
            time('since', event.target.value);
          }}
        />
        <TextField
          id="events-until"
          label={t('eventsUntil')}
          hint={t('eventsUntilHint')}
          error={errorAt('until')}
          type="datetime-local"
          step={1}
          value={isoToLocalInput(filters.until)}
          onChange={(event) => {
            time('until', event.target.value);
          }}
        />
        <TextField
          id="events-search"
          label={t('eventsSearch')}
          error={errorAt('search')}
          type="search"
          placeholder={t('eventsSearchPlaceholder')}
          value={typed.search}
          autoComplete="off"
          spellCheck={false}
          onChange={(event) => {
            onType({ ...typed, search: event.target.value });
          }}
        />
        <div className="field">
          <label htmlFor="events-order">{t('eventsOrder')}</label>
          <select
            id="events-order"
            value={filters.oldestFirst ? 'oldest' : 'newest'}
            onChange={(event) => {
              onChange({ ...filters, oldestFirst: event.target.value === 'oldest' });
            }}
          >
            <option value="newest">{t('eventsNewestFirst')}</option>
            <option value="oldest">{t('eventsOldestFirst')}</option>
          </select>
        </div>
      </div>
      <div className="buttons">
        <button type="button" onClick={onClear}>
          {t('eventsClearFilters')}
        </button>
      </div>
    </form>
  );
}
