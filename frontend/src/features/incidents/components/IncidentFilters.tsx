import { MultiSelect, SegmentedControl, Select, Switch } from '@mantine/core';
import { INCIDENT_SOURCE, SEVERITY, options } from '@/components/badges';
import { FilterBar } from '@/components/FilterBar';
import { SearchFilter } from '@/components/SearchFilter';
import { TimeRangeFilter } from '@/components/TimeRangeFilter';
import type { IncidentSource, Severity } from '@/gql/graphql';
import { useComponentOptions } from '@/lib/options';
import { activeFilterCount, clearFilters, STATUS_VIEWS, type IncidentFilterState, type StatusView } from '../filters';

export function IncidentFilters({
  accountId,
  value,
  onChange,
  narrow = false,
}: {
  accountId: string;
  value: IncidentFilterState;
  onChange: (next: IncidentFilterState) => void;
  /** A phone: one filter per line, the status as a select (five segments do not fit). */
  narrow?: boolean;
}) {
  const w = (px: number) => (narrow ? '100%' : px);
  const { options: componentOptions } = useComponentOptions(accountId);
  const set = (patch: Partial<IncidentFilterState>) => onChange({ ...value, ...patch });

  return (
    <FilterBar label="Filter incidents" active={activeFilterCount(value) > 0} onClear={() => onChange(clearFilters(value))}>
      {narrow ? (
        <Select
          aria-label="Status"
          data={STATUS_VIEWS}
          value={value.status}
          allowDeselect={false}
          onChange={(v) => set({ status: (v ?? 'open') as StatusView })}
          w="100%"
          comboboxProps={{ withinPortal: true }}
        />
      ) : (
        <SegmentedControl
          aria-label="Status"
          data={STATUS_VIEWS}
          value={value.status}
          onChange={(v) => set({ status: v as StatusView })}
        />
      )}
      <SearchFilter label="Search titles" value={value.search} onChange={(q) => set({ search: q })} width={w(200)} />
      <MultiSelect
        aria-label="Severity"
        placeholder={value.severities.length ? undefined : 'Any severity'}
        data={options(SEVERITY)}
        value={value.severities}
        onChange={(v) => set({ severities: v as Severity[] })}
        clearable
        w={w(200)}
        comboboxProps={{ withinPortal: true }}
      />
      <MultiSelect
        aria-label="Source"
        placeholder={value.sources.length ? undefined : 'Any source'}
        data={options(INCIDENT_SOURCE)}
        value={value.sources}
        onChange={(v) => set({ sources: v as IncidentSource[] })}
        clearable
        w={w(190)}
        comboboxProps={{ withinPortal: true }}
      />
      <Select
        aria-label="Component"
        placeholder="Any component"
        data={componentOptions}
        value={value.componentId}
        onChange={(v) => set({ componentId: v })}
        clearable
        searchable
        w={w(190)}
        comboboxProps={{ withinPortal: true }}
      />
      <TimeRangeFilter value={value} onChange={(t) => set(t)} label="Opened" fromLabel="Opened after" toLabel="Opened before" width={w(160)} />
      <Switch
        label="Hide test incidents"
        checked={value.hideTests}
        onChange={(e) => set({ hideTests: e.currentTarget.checked })}
        style={{ alignSelf: 'center' }}
      />
    </FilterBar>
  );
}
