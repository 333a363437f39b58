import type { DeliveryFilter, DeliveryStatus, ResponseClass } from '@/gql/graphql';
import { DELIVERY_STATUSES } from '@/components/badges';
import { ANY_TIME, parseTimeRange, readListParam, timeRangeFilter, writeTimeRange, type TimeRangeState } from '@/lib/time-range';

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

export interface DeliveryFilterState extends TimeRangeState {
  statuses: DeliveryStatus[];
  eventNames: string[];
  responses: ResponseClass[];
  webhookId: string | null;
  endpointId: string | null;
  eventId: string | null;
  search: string;
}

export const NO_DELIVERY_FILTER: DeliveryFilterState = {
  statuses: [],
  eventNames: [],
  responses: [],
  webhookId: null,
  endpointId: null,
  eventId: null,
  ...ANY_TIME,
  search: '',
};

/** Whether any filter narrows the history. */
export function deliveryFilterActive(f: DeliveryFilterState): boolean {
  return Boolean(
    f.statuses.length || f.eventNames.length || f.responses.length || f.webhookId || f.endpointId || f.eventId || f.range !== 'any' || f.search,
  );
}

export function parseDeliveryFilter(p: URLSearchParams): DeliveryFilterState {
  return {
    statuses: (p.get('status') ?? '')
      .split(',')
      .map((s) => s.trim().toUpperCase())
      .filter((s): s is DeliveryStatus => (DELIVERY_STATUSES as string[]).includes(s)),
    eventNames: readListParam(p, 'events'),
    responses: (p.get('response') ?? '')
      .split(',')
      .map((s) => RESPONSE_CLASSES.find((c) => c.param === s.trim().toLowerCase())?.value)
      .filter((c): c is ResponseClass => Boolean(c)),
    webhookId: p.get('webhook') || null,
    endpointId: p.get('endpoint') || null,
    eventId: p.get('event') || null,
    ...parseTimeRange(p),
    search: p.get('q') ?? '',
  };
}

/** Writes the filter into `base` (which keeps other params, like the open delivery). */
export function writeDeliveryFilter(base: URLSearchParams, f: DeliveryFilterState): URLSearchParams {
  const p = new URLSearchParams(base);
  for (const k of ['status', 'events', 'response', 'webhook', 'endpoint', 'event', 'q']) p.delete(k);
  if (f.statuses.length) p.set('status', f.statuses.join(',').toLowerCase());
  if (f.eventNames.length) p.set('events', f.eventNames.join(','));
  if (f.responses.length) p.set('response', f.responses.map((r) => RESPONSE_CLASSES.find((c) => c.value === r)?.param).join(','));
  if (f.webhookId) p.set('webhook', f.webhookId);
  if (f.endpointId) p.set('endpoint', f.endpointId);
  if (f.eventId) p.set('event', f.eventId);
  writeTimeRange(p, f);
  if (f.search) p.set('q', f.search);
  return p;
}

export function toDeliveryFilter(f: DeliveryFilterState): DeliveryFilter {
  const out: DeliveryFilter = {};
  if (f.statuses.length) out.statuses = f.statuses;
  if (f.eventNames.length) out.eventNames = f.eventNames;
  if (f.responses.length) out.responseClasses = f.responses;
  if (f.webhookId) out.webhookId = f.webhookId;
  if (f.endpointId) out.endpointId = f.endpointId;
  if (f.eventId) out.eventId = f.eventId;
  Object.assign(out, timeRangeFilter(f));
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

/** What the Webhook column says when a delivery has none: a test event's, or its webhook was deleted. */
export function webhookGone(eventName: string): string {
  return eventName === 'TestEvent' ? 'Test delivery' : 'Deleted webhook';
}
