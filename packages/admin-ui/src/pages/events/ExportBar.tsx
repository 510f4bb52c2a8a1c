// The export: every event the filters match, paged from the API (not the rows loaded), with a count as
// it goes and a Cancel, then saved through a temporary <a download> of a Blob's object URL.
import { useEffect, useRef, useState } from 'react';
import { api, messageOf, unwrap } from '../../api/client';
import { useI18n } from '../../i18n';
import { exportAll, exportPageSize } from './exportAll';
import { formats, type ExportFormat } from './exportFormats';
import { apiFilters, exportFileName, type EventFilters } from './model';

type Status =
  | { kind: 'idle' }
  | { kind: 'running'; done: number; total: number | null }
  | { kind: 'done'; count: number; file: string }
  | { kind: 'cancelled' }
  | { kind: 'failed'; message: string };

/** The object URL outlives the click a while: some browsers start reading it only after. */
const revokeAfterMs = 60_000;

function download(parts: string[], type: string, file: string): void {
  const url = URL.createObjectURL(new Blob(parts, { type }));
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = file;
  anchor.hidden = true;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => {
    URL.revokeObjectURL(url);
  }, revokeAfterMs);
}

export function ExportBar({ filters }: { filters: EventFilters }) {
  const { t } = useI18n();
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  const running = useRef<AbortController | null>(null);
  // Leaving the page stops an export under way.
  useEffect(
    () => () => {
      running.current?.abort();
    },
    [],
  );

  const start = async (format: ExportFormat) => {
    const controller = new AbortController();
    running.current = controller;
    setStatus({ kind: 'running', done: 0, total: null });
    const query = { ...apiFilters(filters), limit: String(exportPageSize) };
    try {
      const { parts, count } = await exportAll(
        async (cursor, signal) =>
          unwrap(
            await api.GET('/api/v1/events', {
              params: { query: cursor === null ? query : { ...query, cursor } },
              signal,
            }),
          ),
        formats[format].line,
        ({ done, total }) => {
          setStatus({ kind: 'running', done, total });
        },
        controller.signal,
      );
      const file = exportFileName(new Date(), format);
      download([formats[format].head(), ...parts], formats[format].type, file);
      setStatus({ kind: 'done', count, file });
    } catch (error) {
      setStatus(
        controller.signal.aborted ? { kind: 'cancelled' } : { kind: 'failed', message: messageOf(error) },
      );
    } finally {
      if (running.current === controller) running.current = null;
    }
  };

  const busy = status.kind === 'running';
  return (
    <div className="toolbar events-export" role="group" aria-label={t('eventsExport')}>
      <button type="button" disabled={busy} onClick={() => void start('csv')}>
        {t('eventsExportCsv')}
      </button>
      <button type="button" disabled={busy} onClick={() => void start('jsonl')}>
        {t('eventsExportJsonl')}
      </button>
      {busy && (
        <button
          type="button"
          onClick={() => {
            running.current?.abort();
          }}
        >
          {t('cancel')}
        </button>
      )}
      <span role="status" className="muted">
        {status.kind === 'idle' && t('eventsExportHint')}
        {status.kind === 'running' && t('eventsExporting', { done: status.done, total: status.total ?? '…' })}
        {status.kind === 'done' && t('eventsExportDone', { count: status.count, file: status.file })}
        {status.kind === 'cancelled' && t('eventsExportCancelled')}
      </span>
      {status.kind === 'failed' && (
        <span role="alert" className="problem">
          {t('eventsExportFailed', { message: status.message })}
        </span>
      )}
    </div>
  );
}
