import type { DeliveryFilter, DeliveryStatus, ResponseClass } from '@/gql/graphql';
import { DELIVERY_STATUSES } from '@/components/badges';
import { rangeBounds, type TimeRange } from '@/lib/time-range';

/** The last answer's status class, as the filter bar and the URL (`response=2xx,none`) name it. */
export const RESPONSE_CLASSES: { value: ResponseClass; label: string; param: string }[] = [
  { value: 'HTTP_2XX', label: '2xx', param: '2xx' },
  { value: 'HTTP_3XX', label: '3xx', param: '3xx' },
  { value: 'HTTP_4XX', label: '4xx', param: '4xx' },
  { value: 'HTTP_5XX', label: '5xx', param: '5xx' },
  { value: 'NO_RESPONSE', label: 'No response', param: 'none' },
];

/** Payload search needs this many characters (the server's trigram index needs three). */
export const MIN_SEARCH_LENGTH = 3;

/** Trigrams are made of runs of letters and digits: a term needs three of them in a row ("a-b" has none). */
const ALNUM_RUN = /[\p{L}\p{Nd}]{3}/u;

/** Why the server would refuse this payload search term, or null when it is usable (or empty). */
export function searchTermProblem(term: string): string | null {
  const t = term.trim();
  if (!t) return null;
  if (t.length < MIN_SEARCH_LENGTH) return `At least ${MIN_SEARCH_LENGTH} characters`;
  if (!ALNUM_RUN.test(t)) return `At least ${MIN_SEARCH_LENGTH} letters or digits in a row`;
  return null;
}

export interface DeliveryFilterState {
  statuses: DeliveryStatus[];
  eventNames: string[];
  responses: ResponseClass[];
  webhookId: string | null;
  endpointId: string | null;
  eventId: string | null;
  range: TimeRange;
  anchor: number;
  from: string;
  to: string;
  search: string;
}

export function parseDeliveryFilter(p: URLSearchParams): DeliveryFilterState {
  const range = p.get('range') as TimeRange | null;
  return {
    statuses: (p.get('status') ?? '')
      .split(',')
      .map((s) => s.trim().toUpperCase())
      .filter((s): s is DeliveryStatus => (DELIVERY_STATUSES as string[]).includes(s)),
    eventNames: (p.get('events') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    responses: (p.get('response') ?? '')
      .split(',')
      .map((s) => RESPONSE_CLASSES.find((c) => c.param === s.trim().toLowerCase())?.value)
      .filter((c): c is ResponseClass => Boolean(c)),
    webhookId: p.get('webhook') || null,
    endpointId: p.get('endpoint') || null,
    eventId: p.get('event') || null,
    range: range && ['1h', '24h', '7d', '30d', 'custom'].includes(range) ? range : 'any',
    anchor: Number(p.get('at')) || 0,
    from: p.get('from') ?? '',
    to: p.get('to') ?? '',
    search: p.get('q') ?? '',
  };
}

/** Writes the filter into `base` (which keeps other params, like the open delivery). */
export function writeDeliveryFilter(base: URLSearchParams, f: DeliveryFilterState): URLSearchParams {
  const p = new URLSearchParams(base);
  for (const k of ['status', 'events', 'response', 'webhook', 'endpoint', 'event', 'range', 'at', 'from', 'to', 'q']) p.delete(k);
  if (f.statuses.length) p.set('status', f.statuses.join(',').toLowerCase());
  if (f.eventNames.length) p.set('events', f.eventNames.join(','));
  if (f.responses.length) p.set('response', f.responses.map((r) => RESPONSE_CLASSES.find((c) => c.value === r)?.param).join(','));
  if (f.webhookId) p.set('webhook', f.webhookId);
  if (f.endpointId) p.set('endpoint', f.endpointId);
  if (f.eventId) p.set('event', f.eventId);
  if (f.range !== 'any') {
    p.set('range', f.range);
    if (f.range === 'custom') {
      if (f.from) p.set('from', f.from);
      if (f.to) p.set('to', f.to);
    } else if (f.anchor) p.set('at', String(f.anchor));
  }
  if (f.search) p.set('q', f.search);
  return p;
}

export function toDeliveryFilter(f: DeliveryFilterState): DeliveryFilter {
  const { after, before } = rangeBounds(f.range, { from: f.from, to: f.to }, f.anchor || Date.now());
  const out: DeliveryFilter = {};
  if (f.statuses.length) out.statuses = f.statuses;
  if (f.eventNames.length) out.eventNames = f.eventNames;
  if (f.responses.length) out.responseClasses = f.responses;
  if (f.webhookId) out.webhookId = f.webhookId;
  if (f.endpointId) out.endpointId = f.endpointId;
  if (f.eventId) out.eventId = f.eventId;
  if (after) out.since = after;
  if (before) out.until = before;
  // Terms the server refuses (too short, no trigram): the filter bar says so and searches nothing yet.
  if (f.search.trim() && !searchTermProblem(f.search)) out.search = f.search.trim();
  return out;
}

/** The status class of an HTTP status code (null: no answer). */
export function responseClassOf(code: number | null | undefined): ResponseClass | null {
  if (code == null) return 'NO_RESPONSE';
  if (code >= 200 && code < 300) return 'HTTP_2XX';
  if (code >= 300 && code < 400) return 'HTTP_3XX';
  if (code >= 400 && code < 500) return 'HTTP_4XX';
  if (code >= 500 && code < 600) return 'HTTP_5XX';
  return null;
}

/**
 * Whether a delivery pushed by the live feed belongs at the top of the list. With a payload
 * search we cannot tell (the list does not load payloads), so only rows already shown update.
 */
export function deliveryMatches(
  d: {
    status: DeliveryStatus;
    createdAt: string;
    eventName?: string;
    lastStatusCode?: number | null;
    webhook?: { id: string } | null;
    endpoint?: { id: string } | null;
    event?: { id: string } | null;
  },
  f: DeliveryFilter,
): boolean {
  if (f.search) return false;
  if (f.statuses?.length && !f.statuses.includes(d.status)) return false;
  if (f.eventNames?.length && !f.eventNames.includes(d.eventName ?? '')) return false;
  if (f.responseClasses?.length) {
    const c = responseClassOf(d.lastStatusCode);
    if (!c || !f.responseClasses.includes(c)) return false;
  }
  if (f.webhookId && d.webhook?.id !== f.webhookId) return false;
  if (f.endpointId && d.endpoint?.id !== f.endpointId) return false;
  if (f.eventId && d.event?.id !== f.eventId) return false;
  const t = new Date(d.createdAt).getTime();
  if (f.since && t < new Date(f.since).getTime()) return false;
  if (f.until && t > new Date(f.until).getTime()) return false;
  return true;
}

/** Pretty-prints JSON for reading; anything else is returned as it is. */
export { prettyJson } from '@/lib/format';
