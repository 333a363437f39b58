import { MultiSelect, Pill } from '@mantine/core';
import { EVENT_SUBJECT, options } from '@/components/badges';
import { FilterBar } from '@/components/FilterBar';
import { TimeRangeFilter } from '@/components/TimeRangeFilter';
import type { EventSubjectKind } from '@/gql/graphql';
import { eventFilterActive, NO_EVENT_FILTER, type EventFilterState } from './filters';

export function EventFilters({
  value,
  onChange,
  eventNames,
  subjectName,
}: {
  value: EventFilterState;
  onChange: (next: EventFilterState) => void;
  /** Names to offer (the catalog); names already in the filter are kept. */
  eventNames: string[];
  /** The name of the subject the list is narrowed to, when known. */
  subjectName: string | null;
}) {
  const set = (patch: Partial<EventFilterState>) => onChange({ ...value, ...patch });
  const names = [...new Set([...eventNames, ...value.names])];
  return (
    <FilterBar label="Filter events" active={eventFilterActive(value)} onClear={() => onChange(NO_EVENT_FILTER)}>
      <MultiSelect
        aria-label="Event"
        placeholder={value.names.length ? undefined : 'Any event'}
        data={names}
        value={value.names}
        onChange={(v) => set({ names: v })}
        clearable
        searchable
        w={220}
        comboboxProps={{ withinPortal: true }}
      />
      <MultiSelect
        aria-label="Subject"
        placeholder={value.kinds.length ? undefined : 'Any subject'}
        data={options(EVENT_SUBJECT)}
        value={value.kinds}
        onChange={(v) => set({ kinds: v as EventSubjectKind[] })}
        clearable
        w={220}
        comboboxProps={{ withinPortal: true }}
      />
      <TimeRangeFilter value={value} onChange={(t) => set(t)} />
      {value.subjectId && (
        <Pill
          size="lg"
          withRemoveButton
          onRemove={() => set({ subjectId: null })}
          // Pill hides its remove button from the keyboard and screen readers (it is made for inputs); this one is the only way to drop the filter.
          removeButtonProps={{ 'aria-label': 'Show events about everything', 'aria-hidden': false, tabIndex: 0 }}
          data-testid="subject-chip"
          mb={6}
        >
          About {subjectName ?? 'the chosen subject'}
        </Pill>
      )}
    </FilterBar>
  );
}
