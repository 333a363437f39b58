import { Group, Text } from '@mantine/core';

export function LogoMark({ size = 28 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden focusable="false">
      <rect width="32" height="32" rx="8" fill="var(--mantine-color-indigo-6)" />
      <circle cx="9" cy="10" r="3" fill="white" />
      <circle cx="9" cy="22" r="3" fill="white" />
      <circle cx="23" cy="16" r="3" fill="white" />
      <path d="M12 10 L20 16 M12 22 L20 16" stroke="white" strokeWidth="2" strokeLinecap="round" />
    </svg>
  );
}

export function Logo() {
  return (
    <Group gap={8} wrap="nowrap">
      <LogoMark />
      <Text fw={700} size="lg">
        Switchboard
      </Text>
    </Group>
  );
}
