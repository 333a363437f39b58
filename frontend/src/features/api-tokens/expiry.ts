export type ExpiryChoice = 'never' | '7' | '30' | '90' | '365' | 'custom';

/** Shortest first, then no expiry, then a date of one's choice. */
export const EXPIRY_OPTIONS: { value: ExpiryChoice; label: string }[] = [
  { value: '7', label: '7 days' },
  { value: '30', label: '30 days' },
  { value: '90', label: '90 days' },
  { value: '365', label: '1 year' },
  { value: 'never', label: 'No expiry' },
  { value: 'custom', label: 'Custom date…' },
];

/** A `YYYY-MM-DD` string for a local date. */
export function toDateInput(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/**
 * The RFC 3339 expiry for a choice: N days from now, the end of a custom local date, or null
 * for no expiry. Throws on an invalid or past custom date.
 */
export function expiryToIso(choice: ExpiryChoice, customDate: string, now: Date = new Date()): string | null {
  if (choice === 'never') return null;
  if (choice === 'custom') {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(customDate);
    if (!m) throw new Error('Pick a date');
    const end = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 23, 59, 59);
    if (Number.isNaN(end.getTime()) || end.getTime() <= now.getTime()) {
      throw new Error('The date must be in the future');
    }
    return end.toISOString();
  }
  return new Date(now.getTime() + Number(choice) * 24 * 3600 * 1000).toISOString();
}
