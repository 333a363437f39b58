import { Skeleton, Stack } from '@mantine/core';

export function TableSkeleton({ rows = 4, label = 'Loading' }: { rows?: number; label?: string }) {
  return (
    <Stack gap="sm" aria-busy="true" aria-label={label} role="status">
      <Skeleton height={36} />
      {Array.from({ length: rows }, (_, i) => (
        <Skeleton key={i} height={28} opacity={1 - i * 0.15} />
      ))}
    </Stack>
  );
}
