import { Alert, Button, Code, CopyButton, Group, Paper, Stack, Text, Title, Tooltip } from '@mantine/core';
import { IconAlertTriangle, IconCheck, IconCopy } from '@tabler/icons-react';
import { useId, type ReactNode } from 'react';

/**
 * A secret shown once, right after the server returned it (an integration URL, a signing key).
 * The value lives only in the caller's state: once this unmounts it is gone for good.
 */
export function SecretReveal({
  title,
  label,
  value,
  warning = 'Copy it now. You will not see it again.',
  note = 'Switchboard cannot show it again. If you lose it, rotate it to get a new one.',
  children,
  doneLabel,
  onDone,
  testId = 'secret-value',
}: {
  title: string;
  label: string;
  value: string;
  warning?: string;
  /** Why it cannot be shown again. */
  note?: string;
  children?: ReactNode;
  doneLabel?: string;
  onDone?: () => void;
  testId?: string;
}) {
  const labelId = useId();
  return (
    <Paper withBorder radius="md" p="lg">
      <Stack gap="md">
        <Title order={2} size="h4">
          {title}
        </Title>
        <Alert color="yellow" variant="light" icon={<IconAlertTriangle size={18} />} title={warning}>
          {note}
        </Alert>
        <Stack gap={6}>
          <Text size="sm" fw={500} id={labelId}>
            {label}
          </Text>
          <Group gap="xs" wrap="nowrap" align="stretch">
            <Code
              block
              fz="sm"
              py="xs"
              style={{ flex: 1, wordBreak: 'break-all', whiteSpace: 'pre-wrap', userSelect: 'all' }}
              aria-labelledby={labelId}
              data-testid={testId}
            >
              {value}
            </Code>
            <CopyButton value={value} timeout={2000}>
              {({ copied, copy }) => (
                <Tooltip label={copied ? 'Copied' : 'Copy to clipboard'}>
                  <Button
                    onClick={copy}
                    h="auto"
                    color={copied ? 'teal' : undefined}
                    leftSection={copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
                  >
                    {copied ? 'Copied' : 'Copy'}
                  </Button>
                </Tooltip>
              )}
            </CopyButton>
          </Group>
        </Stack>
        {children}
        {onDone && doneLabel && (
          <Group justify="flex-end">
            <Button onClick={onDone}>{doneLabel}</Button>
          </Group>
        )}
      </Stack>
    </Paper>
  );
}
