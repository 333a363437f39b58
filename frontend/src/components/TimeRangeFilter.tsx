import { Select, TextInput } from '@mantine/core';
import { TIME_RANGE_OPTIONS, type TimeRange, type TimeRangeState } from '@/lib/time-range';

/**
 * The filter bars' time range: a preset (anchored at the moment it is picked) or a custom
 * range with two `datetime-local` inputs. Render it inside the bar's Group.
 */
export function TimeRangeFilter({
  value,
  onChange,
  label = 'Time range',
  fromLabel = 'Since',
  toLabel = 'Until',
  width = 160,
}: {
  value: TimeRangeState;
  onChange: (next: TimeRangeState) => void;
  /** The select's accessible name. */
  label?: string;
  fromLabel?: string;
  toLabel?: string;
  width?: number | string;
}) {
  return (
    <>
      <Select
        aria-label={label}
        data={TIME_RANGE_OPTIONS}
        value={value.range}
        allowDeselect={false}
        onChange={(v) => onChange({ ...value, range: (v ?? 'any') as TimeRange, anchor: Date.now() })}
        w={width}
        comboboxProps={{ withinPortal: true }}
      />
      {value.range === 'custom' && (
        <>
          <TextInput type="datetime-local" label={fromLabel} value={value.from} onChange={(e) => onChange({ ...value, from: e.currentTarget.value })} />
          <TextInput type="datetime-local" label={toLabel} value={value.to} onChange={(e) => onChange({ ...value, to: e.currentTarget.value })} />
        </>
      )}
    </>
  );
}
