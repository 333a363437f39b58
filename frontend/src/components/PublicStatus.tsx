import { Group, Text, type TextProps } from '@mantine/core';
import type { ComponentStatus } from '@/gql/graphql';
import { PUBLIC_STATUS } from '@/lib/public-status';

/** A component status as the public page says it: icon and words, coloured. */
export function PublicStatusText({ value, ...props }: { value: ComponentStatus } & TextProps) {
  const spec = PUBLIC_STATUS[value] ?? PUBLIC_STATUS.OPERATIONAL;
  return (
    <Group gap={4} wrap="nowrap" component="span" data-testid="public-status" data-value={value}>
      <Text span c={`${spec.color}.7`} fw={700} aria-hidden="true" {...props}>
        {spec.icon}
      </Text>
      <Text span size="sm" {...props}>
        {spec.label}
      </Text>
    </Group>
  );
}
