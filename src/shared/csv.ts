// CSV as RFC 4180 writes it (fields with a comma, quote or line break quoted, quotes doubled, CRLF between
// records), so spreadsheets and pandas read every cell back as it was.

export type CsvValue = string | number | boolean | null;

export function csvField(value: CsvValue): string {
  if (value === null) return '';
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: readonly string[], records: readonly (readonly CsvValue[])[]): string {
  return [header, ...records].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}
