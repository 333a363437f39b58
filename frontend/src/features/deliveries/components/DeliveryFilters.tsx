import { Button, Group, MultiSelect, Select, TextInput } from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import { IconSearch, IconX } from '@tabler/icons-react';
import { useState } from 'react';
import { DELIVERY_STATUS, options } from '@/components/badges';
import type { DeliveryStatus, ResponseClass } from '@/gql/graphql';
import { TIME_RANGE_OPTIONS, type TimeRange } from '@/lib/time-range';
import { RESPONSE_CLASSES, searchTermProblem, type DeliveryFilterState } from '../filters';

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
  const [search, setSearch] = useState(value.search);
  const pushSearch = useDebouncedCallback((q: string) => onChange({ ...value, search: q }), 300);
  const set = (patch: Partial<DeliveryFilterState>) => onChange({ ...value, ...patch });
  const names = [...new Set([...eventNames, ...value.eventNames])];
  const term = search.trim();
  const searchProblem = searchTermProblem(term);
  const any =
    value.statuses.length > 0 || value.eventNames.length > 0 || value.responses.length > 0 || value.webhookId || value.endpointId || value.eventId || value.range !== 'any' || value.search;
  return (
    <Group gap="sm" align="flex-end" wrap="wrap" role="search" aria-label="Filter deliveries">
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
      <Select
        aria-label="Time range"
        data={TIME_RANGE_OPTIONS}
        value={value.range}
        allowDeselect={false}
        onChange={(v) => set({ range: (v ?? 'any') as TimeRange, anchor: Date.now() })}
        w={160}
        comboboxProps={{ withinPortal: true }}
      />
      {value.range === 'custom' && (
        <>
          <TextInput type="datetime-local" label="Since" value={value.from} onChange={(e) => set({ from: e.currentTarget.value })} />
          <TextInput type="datetime-local" label="Until" value={value.to} onChange={(e) => set({ to: e.currentTarget.value })} />
        </>
      )}
      <TextInput
        aria-label="Search payloads"
        placeholder="Search payloads"
        leftSection={<IconSearch size={16} aria-hidden />}
        value={search}
        onChange={(e) => {
          setSearch(e.currentTarget.value);
          pushSearch(e.currentTarget.value);
        }}
        w={200}
        error={searchProblem ?? undefined}
      />
      {any && (
        <Button
          variant="subtle"
          color="gray"
          leftSection={<IconX size={14} />}
          onClick={() => {
            setSearch('');
            onChange({ statuses: [], eventNames: [], responses: [], webhookId: null, endpointId: null, eventId: null, range: 'any', anchor: 0, from: '', to: '', search: '' });
          }}
        >
          Clear filters
        </Button>
      )}
    </Group>
  );
}
