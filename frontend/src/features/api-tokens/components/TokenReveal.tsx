import {
  Alert,
  Button,
  Code,
  CopyButton,
  Group,
  Paper,
  Stack,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import { IconAlertTriangle, IconCheck, IconCopy } from '@tabler/icons-react';
import { RoleBadge } from '@/components/RoleBadge';
import type { Role } from '@/gql/graphql';
import { formatDateTime } from '@/lib/format';

export interface RevealedToken {
  name: string;
  role: Role;
  prefix: string;
  expiresAt: string | null;
  secret: string;
}

/** Shows a new token's secret once, right after creation. Nothing keeps it after this unmounts. */
export function TokenReveal({ token, onDone }: { token: RevealedToken; onDone: () => void }) {
  return (
    <Paper withBorder radius="md" p="lg" maw={720}>
      <Stack gap="md">
        <Title order={2} size="h4">
          Token “{token.name}” created
        </Title>
        <Alert
          color="yellow"
          variant="light"
          icon={<IconAlertTriangle size={18} />}
          title="Copy this token now. You will not see it again."
        >
          Switchboard stores only a hash of the token. If you lose it, revoke it and create a new
          one.
        </Alert>
        <Stack gap={6}>
          <Text size="sm" fw={500} id="token-secret-label">
            API token
          </Text>
          <Group gap="xs" wrap="nowrap" align="stretch">
            <Code
              block
              fz="sm"
              py="xs"
              style={{ flex: 1, wordBreak: 'break-all', whiteSpace: 'pre-wrap', userSelect: 'all' }}
              aria-labelledby="token-secret-label"
              data-testid="token-secret"
            >
              {token.secret}
            </Code>
            <CopyButton value={token.secret} timeout={2000}>
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
        <Text size="sm" c="dimmed">
          Send it as <Code>Authorization: Bearer &lt;token&gt;</Code>.
        </Text>
        <Group gap="xl">
          <Group gap={6}>
            <Text size="sm" c="dimmed">
              Role
            </Text>
            <RoleBadge role={token.role} />
          </Group>
          <Group gap={6}>
            <Text size="sm" c="dimmed">
              Prefix
            </Text>
            <Code>{token.prefix}</Code>
          </Group>
          <Group gap={6}>
            <Text size="sm" c="dimmed">
              Expires
            </Text>
            <Text size="sm">{token.expiresAt ? formatDateTime(token.expiresAt) : 'Never'}</Text>
          </Group>
        </Group>
        <Group justify="flex-end">
          <Button onClick={onDone}>I have copied the token</Button>
        </Group>
      </Stack>
    </Paper>
  );
}
