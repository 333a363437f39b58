import { Box, SegmentedControl, Text } from '@mantine/core';
import type { MantineColorScheme } from '@mantine/core';
import { useUserColorScheme } from '@/lib/color-scheme';

const OPTIONS: { value: MantineColorScheme; label: string }[] = [
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
  { value: 'auto', label: 'System' },
];

/** Light / Dark / System (follows the OS), kept per user: for the user menu. */
export function ColorSchemeControl() {
  const [value, setValue] = useUserColorScheme();
  return (
    <Box px="xs" py={6}>
      <Text size="xs" c="dimmed" mb={4} id="color-scheme-label">
        Theme
      </Text>
      <SegmentedControl
        fullWidth
        size="xs"
        aria-labelledby="color-scheme-label"
        data={OPTIONS}
        value={value}
        onChange={(v) => setValue(v as MantineColorScheme)}
        data-testid="color-scheme"
      />
    </Box>
  );
}
