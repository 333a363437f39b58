import type { EventFilter, EventSubjectKind } from '@/gql/graphql';
import { EVENT_SUBJECTS } from '@/components/badges';
import { ANY_TIME, parseTimeRange, readListParam, timeRangeFilter, writeTimeRange, type TimeRangeState } from '@/lib/time-range';

/** The event list's filters as they appear in the URL (`names`, `kind`, `subject`, the time range). */
export interface EventFilterState extends TimeRangeState {
  names: string[];
  kinds: EventSubjectKind[];
  /** Events about one incident, server, farm (its servers' too) or environment. */
  subjectId: string | null;
}

export const NO_EVENT_FILTER: EventFilterState = { names: [], kinds: [], subjectId: null, ...ANY_TIME };

export function parseEventFilter(p: URLSearchParams): EventFilterState {
  return {
    names: readListParam(p, 'names'),
    kinds: readListParam(p, 'kind')
      .map((k) => k.toUpperCase())
      .filter((k): k is EventSubjectKind => (EVENT_SUBJECTS as string[]).includes(k)),
    subjectId: p.get('subject') || null,
    ...parseTimeRange(p),
  };
}

/** Writes the filter into `base`, keeping its other parameters. */
export function writeEventFilter(base: URLSearchParams, f: EventFilterState): URLSearchParams {
  const p = new URLSearchParams(base);
  for (const k of ['names', 'kind', 'subject']) p.delete(k);
  if (f.names.length) p.set('names', f.names.join(','));
  if (f.kinds.length) p.set('kind', f.kinds.join(',').toLowerCase());
  if (f.subjectId) p.set('subject', f.subjectId);
  return writeTimeRange(p, f);
}

export function eventFilterActive(f: EventFilterState): boolean {
  return Boolean(f.names.length || f.kinds.length || f.subjectId || f.range !== 'any');
}

export function toEventFilter(f: EventFilterState): EventFilter {
  const out: EventFilter = {};
  if (f.names.length) out.names = f.names;
  if (f.kinds.length) out.subjects = f.kinds;
  if (f.subjectId) out.subjectId = f.subjectId;
  return Object.assign(out, timeRangeFilter(f));
}
