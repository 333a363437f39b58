export { colorFor, personName } from '@/lib/people';

// Time helpers of the on-call screens: wall-clock formatting in a schedule's zone, placing
// shifts on a timeline, and a stable colour per person.

/** Every IANA zone the browser knows (Intl.supportedValuesOf), UTC first. */
export function timeZones(): string[] {
  const supported =
    typeof Intl.supportedValuesOf === 'function' ? (Intl.supportedValuesOf('timeZone') as string[]) : [];
  const zones = supported.length ? supported : ['UTC', 'Europe/Berlin', 'America/New_York'];
  return ['UTC', ...zones.filter((z) => z !== 'UTC')];
}

export function browserZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(zone: string, kind: 'full' | 'day' | 'time'): Intl.DateTimeFormat {
  const key = `${zone}|${kind}`;
  let f = formatters.get(key);
  if (!f) {
    const opts: Intl.DateTimeFormatOptions =
      kind === 'full'
        ? { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }
        : kind === 'day'
          ? { weekday: 'short', day: 'numeric', month: 'short' }
          : { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
    try {
      f = new Intl.DateTimeFormat(undefined, { ...opts, timeZone: zone });
    } catch {
      f = new Intl.DateTimeFormat(undefined, { ...opts, timeZone: 'UTC' });
    }
    formatters.set(key, f);
  }
  return f;
}

/** "Mon, 7 Dec, 09:00" on the zone's wall clock. */
export function formatInZone(iso: string | number | Date, zone: string): string {
  return formatter(zone, 'full').format(new Date(iso));
}

export function formatDayInZone(iso: string | number | Date, zone: string): string {
  return formatter(zone, 'day').format(new Date(iso));
}

export function formatRange(start: string, end: string, zone: string): string {
  return `${formatInZone(start, zone)} – ${formatInZone(end, zone)}`;
}

export interface Placed<T> {
  item: T;
  /** Percent of the range from its start. */
  left: number;
  width: number;
  clippedStart: boolean;
  clippedEnd: boolean;
}

/** Places [startsAt, endsAt) items on [from, to) as percentages; items outside are dropped. */
export function place<T extends { startsAt: string; endsAt: string }>(items: readonly T[], from: number, to: number): Placed<T>[] {
  const span = to - from;
  if (span <= 0) return [];
  const out: Placed<T>[] = [];
  for (const item of items) {
    const s = Date.parse(item.startsAt);
    const e = Date.parse(item.endsAt);
    if (!(e > from && s < to)) continue;
    const cs = Math.max(s, from);
    const ce = Math.min(e, to);
    out.push({
      item,
      left: ((cs - from) / span) * 100,
      width: ((ce - cs) / span) * 100,
      clippedStart: s < from,
      clippedEnd: e > to,
    });
  }
  return out.sort((a, b) => a.left - b.left);
}

/** Local midnights (in `zone`) within [from, to), for the day ticks. */
export function dayStarts(from: number, to: number, zone: string): number[] {
  const out: number[] = [];
  const dayKey = (t: number) => formatDayInZone(t, zone);
  let prev = dayKey(from);
  // Walk hour by hour: cheap for 14 days and exact across DST changes.
  for (let t = from - (from % 3_600_000) + 3_600_000; t < to; t += 3_600_000) {
    const k = dayKey(t);
    if (k !== prev) {
      out.push(t);
      prev = k;
    }
  }
  return out;
}


export { fromLocalInput, toLocalInput } from '@/lib/format';

export const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

export const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
