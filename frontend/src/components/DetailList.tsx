import { SimpleGrid, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';

/** Label/value pairs in a responsive grid (a description list for screen readers). */
export function DetailList({
  items,
  cols = 3,
}: {
  items: { label: string; value: ReactNode; hidden?: boolean }[];
  cols?: number;
}) {
  return (
    <SimpleGrid cols={{ base: 1, sm: Math.min(2, cols), md: cols }} spacing="md" verticalSpacing="sm" component="dl" m={0}>
      {items
        .filter((i) => !i.hidden)
        .map((i) => (
          <Stack gap={2} key={i.label}>
            <Text component="dt" size="xs" c="dimmed" tt="uppercase" fw={600}>
              {i.label}
            </Text>
            <Text component="dd" size="sm" m={0} style={{ wordBreak: 'break-word' }}>
              {i.value}
            </Text>
          </Stack>
        ))}
    </SimpleGrid>
  );
}
