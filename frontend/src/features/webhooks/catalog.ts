export interface CatalogEvent {
  name: string;
  description: string;
  category: string;
}

export const CATEGORY_ORDER = ['incident', 'farm', 'server', 'endpoint', 'custom'];
export const CATEGORY_LABEL: Record<string, string> = {
  incident: 'Incident events',
  farm: 'Farm events',
  server: 'Server events',
  endpoint: 'Endpoint health',
  custom: 'Custom events',
};

/** Events whose name or description contains the query, grouped by category in a fixed order. */
export function groupCatalog(events: readonly CatalogEvent[], query: string) {
  const q = query.trim().toLowerCase();
  const match = (e: CatalogEvent) => !q || e.name.toLowerCase().includes(q) || e.description.toLowerCase().includes(q);
  const cats = [...CATEGORY_ORDER, ...new Set(events.map((e) => e.category).filter((c) => !CATEGORY_ORDER.includes(c)))];
  return cats
    .map((category) => ({ category, events: events.filter((e) => e.category === category && match(e)) }))
    .filter((g) => g.events.length > 0);
}

/** Custom event names: letters and digits, at most 25 characters (design §6.1). */
export const CUSTOM_EVENT_RE = /^[A-Za-z0-9]{1,25}$/;
