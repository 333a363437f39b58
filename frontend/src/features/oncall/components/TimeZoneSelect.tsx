import { Select, type SelectProps } from '@mantine/core';
import { useMemo } from 'react';
import { timeZones } from '../time';

/** The IANA zones the browser knows, searchable. */
export function TimeZoneSelect(props: Omit<SelectProps, 'data'>) {
  const data = useMemo(() => timeZones(), []);
  return <Select searchable limit={50} allowDeselect={false} comboboxProps={{ withinPortal: true }} data={data} {...props} />;
}
