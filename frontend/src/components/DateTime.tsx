import { Text, Tooltip, type TextProps } from '@mantine/core';
import { formatDateTime, formatRelative } from '@/lib/format';

/** A timestamp shown relative ("5 minutes ago") with the exact time on hover. */
export function DateTime({
  value,
  empty = '—',
  ...props
}: { value: string | null | undefined; empty?: string } & TextProps) {
  if (!value) {
    return (
      <Text span c="dimmed" {...props}>
        {empty}
      </Text>
    );
  }
  const exact = formatDateTime(value);
  return (
    <Tooltip label={exact} openDelay={300}>
      <Text span {...props}>
        <time dateTime={value} title={exact}>
          {formatRelative(value)}
        </time>
      </Text>
    </Tooltip>
  );
}
