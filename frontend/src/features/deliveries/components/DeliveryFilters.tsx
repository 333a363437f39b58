import { MultiSelect, Select, TextInput } from '@mantine/core';
import { DELIVERY_STATUS, options } from '@/components/badges';
import { FilterBar } from '@/components/FilterBar';
import { SearchFilter } from '@/components/SearchFilter';
import { TimeRangeFilter } from '@/components/TimeRangeFilter';
import type { DeliveryStatus, ResponseClass } from '@/gql/graphql';
import { deliveryFilterActive, NO_DELIVERY_FILTER, RESPONSE_CLASSES, searchTermProblem, type DeliveryFilterState } from '../filters';

type Option = { value: string; label: string };

/** Options plus the selected id when the lists do not know it (linked from another page). */
function withSelected(opts: Option[], id: string | null, label: string): Option[] {
  return id && !opts.some((o) => o.value === id) ? [...opts, { value: id, label }] : opts;
}

export function DeliveryFilters({
  value,
  onChange,
  webhooks,
  endpoints,
  eventNames,
}: {
  value: DeliveryFilterState;
  onChange: (next: DeliveryFilterState) => void;
  webhooks: Option[];
  endpoints: Option[];
  /** Event names to offer (the catalog); names already in the filter are kept. */
  eventNames: string[];
}) {
  const set = (patch: Partial<DeliveryFilterState>) => onChange({ ...value, ...patch });
  const names = [...new Set([...eventNames, ...value.eventNames])];
  return (
    <FilterBar label="Filter deliveries" active={deliveryFilterActive(value)} onClear={() => onChange(NO_DELIVERY_FILTER)}>
      <MultiSelect
        aria-label="Status"
        placeholder={value.statuses.length ? undefined : 'Any status'}
        data={options(DELIVERY_STATUS)}
        value={value.statuses}
        onChange={(v) => set({ statuses: v as DeliveryStatus[] })}
        clearable
        w={220}
        comboboxProps={{ withinPortal: true }}
      />
      <MultiSelect
        aria-label="Event"
        placeholder={value.eventNames.length ? undefined : 'Any event'}
        data={names}
        value={value.eventNames}
        onChange={(v) => set({ eventNames: v })}
        clearable
        searchable
        w={200}
        comboboxProps={{ withinPortal: true }}
      />
      <MultiSelect
        aria-label="Response"
        placeholder={value.responses.length ? undefined : 'Any response'}
        data={RESPONSE_CLASSES.map((c) => ({ value: c.value, label: c.label }))}
        value={value.responses}
        onChange={(v) => set({ responses: v as ResponseClass[] })}
        clearable
        w={190}
        comboboxProps={{ withinPortal: true }}
      />
      <Select
        aria-label="Webhook"
        placeholder="Any webhook"
        data={withSelected(webhooks, value.webhookId, 'Selected webhook')}
        value={value.webhookId}
        onChange={(v) => set({ webhookId: v })}
        clearable
        searchable
        w={180}
        comboboxProps={{ withinPortal: true }}
      />
      <Select
        aria-label="Endpoint"
        placeholder="Any endpoint"
        data={withSelected(endpoints, value.endpointId, 'Selected endpoint')}
        value={value.endpointId}
        onChange={(v) => set({ endpointId: v })}
        clearable
        searchable
        w={180}
        comboboxProps={{ withinPortal: true }}
      />
      <TextInput
        aria-label="Event id"
        placeholder="Event id"
        value={value.eventId ?? ''}
        onChange={(e) => set({ eventId: e.currentTarget.value.trim() || null })}
        w={150}
      />
      <TimeRangeFilter value={value} onChange={(t) => set(t)} />
      <SearchFilter label="Search payloads" value={value.search} onChange={(q) => set({ search: q })} problem={searchTermProblem} />
    </FilterBar>
  );
}
