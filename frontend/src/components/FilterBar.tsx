import { Button, Group } from '@mantine/core';
import { IconX } from '@tabler/icons-react';
import type { ReactNode } from 'react';

/** "Clear filters": in the bar, and in the empty state of a list its filters emptied. */
export function ClearFiltersButton({ onClear, variant = 'subtle' }: { onClear: () => void; variant?: 'subtle' | 'light' }) {
  return (
    <Button variant={variant} color={variant === 'subtle' ? 'gray' : undefined} leftSection={<IconX size={14} />} onClick={onClear}>
      Clear filters
    </Button>
  );
}

/**
 * A list's filter bar: its controls in a wrapping row (a search landmark named `label`), then
 * "Clear filters" while any filter is set (none without `onClear`: filters that always have a
 * value, like the environment shown).
 */
export function FilterBar({ label, active = false, onClear, children }: { label: string; active?: boolean; onClear?: () => void; children: ReactNode }) {
  return (
    <Group gap="sm" align="flex-end" wrap="wrap" role="search" aria-label={label}>
      {children}
      {active && onClear && <ClearFiltersButton onClear={onClear} />}
    </Group>
  );
}
