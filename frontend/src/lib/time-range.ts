/** Time range presets for list filters. */
export type TimeRange = 'any' | '1h' | '24h' | '7d' | '30d' | 'custom';

export const TIME_RANGE_OPTIONS: { value: TimeRange; label: string }[] = [
  { value: 'any', label: 'Any time' },
  { value: '1h', label: 'Last hour' },
  { value: '24h', label: 'Last 24 hours' },
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
  { value: 'custom', label: 'Custom range…' },
];

const HOURS: Record<string, number> = { '1h': 1, '24h': 24, '7d': 7 * 24, '30d': 30 * 24 };

/** `datetime-local` value (local time, minutes) → RFC 3339, or null when empty/invalid. */
export function localInputToIso(v: string): string | null {
  if (!v) return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** RFC 3339 → a `datetime-local` value in local time. */
export function isoToLocalInput(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/**
 * The bounds a range selects. Presets are relative to `now`, rounded down to the minute so the
 * variables stay stable between renders (and urql does not refetch in a loop).
 */
export function rangeBounds(
  range: TimeRange,
  custom: { from: string; to: string },
  now: number = Date.now(),
): { after: string | null; before: string | null } {
  if (range === 'any') return { after: null, before: null };
  if (range === 'custom') return { after: localInputToIso(custom.from), before: localInputToIso(custom.to) };
  const minute = Math.floor(now / 60_000) * 60_000;
  return { after: new Date(minute - HOURS[range] * 3600_000).toISOString(), before: null };
}
