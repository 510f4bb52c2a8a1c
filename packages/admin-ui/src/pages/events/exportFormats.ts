// The export's file formats, without the DOM (unit-tested in test/events.test.ts): CSV by RFC 4180 with
// a header row, its cells guarded against spreadsheet formulas, and JSON Lines of the API's items.
import type { EventItem } from './api';

/** The CSV's columns: the API's field names, in its order. */
const csvColumns = ['at', 'kind', 'account', 'source_address', 'detail'] as const;

const crlf = '\r\n';

/**
 * A cell a spreadsheet would read as a formula (=, +, -, @, or a tab or CR first) gets a leading "'",
 * so an event's detail can never run as one (OWASP "CSV injection").
 */
export function guardFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** One RFC 4180 field: quoted when it holds a comma, a quote, CR or LF, its quotes doubled. */
function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvCell(value: string | null): string {
  return csvField(guardFormula(value ?? ''));
}

/** A moment as ISO 8601 UTC (the API gives that already; a time it wrote otherwise is normalised). */
function utc(at: string): string {
  const time = new Date(at);
  return Number.isNaN(time.getTime()) ? at : time.toISOString();
}

export function csvHeader(): string {
  return csvColumns.join(',') + crlf;
}

/** One record, CRLF-ended. */
export function csvRow(item: EventItem): string {
  const cells = [utc(item.at), item.kind, item.account, item.source_address, item.detail];
  return cells.map(csvCell).join(',') + crlf;
}

/** One line of JSON Lines: the item as the API gave it. */
export function jsonLine(item: EventItem): string {
  return `${JSON.stringify(item)}\n`;
}

export type ExportFormat = 'csv' | 'jsonl';

export const formats: Record<
  ExportFormat,
  { type: string; head: () => string; line: (item: EventItem) => string }
> = {
  csv: { type: 'text/csv;charset=utf-8', head: csvHeader, line: csvRow },
  jsonl: { type: 'application/x-ndjson;charset=utf-8', head: () => '', line: jsonLine },
};
