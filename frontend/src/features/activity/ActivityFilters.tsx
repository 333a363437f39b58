import { MultiSelect } from '@mantine/core';
import { FilterBar } from '@/components/FilterBar';
import { SearchFilter } from '@/components/SearchFilter';
import { TimeRangeFilter } from '@/components/TimeRangeFilter';
import { activityFilterActive, AUDIT_CATEGORIES, auditSearchProblem, categoryLabel, NO_ACTIVITY_FILTER, type ActivityFilterState } from './filters';

export function ActivityFilters({ value, onChange }: { value: ActivityFilterState; onChange: (next: ActivityFilterState) => void }) {
  const set = (patch: Partial<ActivityFilterState>) => onChange({ ...value, ...patch });
  // A category linked from elsewhere that the list does not name is still offered (and removable).
  const categories = [
    ...AUDIT_CATEGORIES,
    ...value.categories.filter((c) => !AUDIT_CATEGORIES.some((x) => x.value === c)).map((c) => ({ value: c, label: categoryLabel(c) })),
  ];
  return (
    <FilterBar label="Filter activity" active={activityFilterActive(value)} onClear={() => onChange(NO_ACTIVITY_FILTER)}>
      <MultiSelect
        aria-label="Category"
        placeholder={value.categories.length ? undefined : 'Any category'}
        data={categories}
        value={value.categories}
        onChange={(v) => set({ categories: v })}
        clearable
        searchable
        w={260}
        comboboxProps={{ withinPortal: true }}
      />
      <TimeRangeFilter value={value} onChange={(t) => set(t)} />
      <SearchFilter label="Search activity" value={value.search} onChange={(q) => set({ search: q })} problem={auditSearchProblem} width={240} />
    </FilterBar>
  );
}
