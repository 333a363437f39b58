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

/** A list filter's time range as it is kept in the URL (`range`, `at`, `from`, `to`). */
export interface TimeRangeState {
  range: TimeRange;
  /** When the relative range was chosen (ms), so "last 24 hours" stays put while you look. */
  anchor: number;
  /** `datetime-local` values of a custom range. */
  from: string;
  to: string;
}

export const ANY_TIME: TimeRangeState = { range: 'any', anchor: 0, from: '', to: '' };

const RANGES: readonly string[] = TIME_RANGE_OPTIONS.map((o) => o.value);

export function parseTimeRange(p: URLSearchParams): TimeRangeState {
  const range = p.get('range');
  return {
    range: range && range !== 'any' && RANGES.includes(range) ? (range as TimeRange) : 'any',
    anchor: Number(p.get('at')) || 0,
    from: p.get('from') ?? '',
    to: p.get('to') ?? '',
  };
}

/** Writes the range into `p` (in place), dropping what another range left there. */
export function writeTimeRange(p: URLSearchParams, t: TimeRangeState): URLSearchParams {
  for (const k of ['range', 'at', 'from', 'to']) p.delete(k);
  if (t.range === 'any') return p;
  p.set('range', t.range);
  if (t.range === 'custom') {
    if (t.from) p.set('from', t.from);
    if (t.to) p.set('to', t.to);
  } else if (t.anchor) p.set('at', String(t.anchor));
  return p;
}

/** The `since`/`until` a filter sends for this range (absent when unbounded). */
export function timeRangeFilter(t: TimeRangeState, now: number = Date.now()): { since?: string; until?: string } {
  const { after, before } = rangeBounds(t.range, { from: t.from, to: t.to }, t.anchor || now);
  const out: { since?: string; until?: string } = {};
  if (after) out.since = after;
  if (before) out.until = before;
  return out;
}

/** Comma-separated list parameter → its non-empty items (optionally only the allowed ones). */
export function readListParam(p: URLSearchParams, key: string, allowed?: readonly string[]): string[] {
  const items = (p.get(key) ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return allowed ? items.filter((s) => allowed.includes(s)) : items;
}
