import { Badge, Card, Code, Group, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { IconBrandSlack } from '@tabler/icons-react';
import { useEffect } from 'react';
import { DateTime } from '@/components/DateTime';
import type { SlackMessageFieldsFragment } from '@/gql/graphql';

const POLL_MS = 3000;

export function slackMessageState(m: SlackMessageFieldsFragment): { color: string; label: string } {
  if (m.lastError) return { color: 'red', label: m.nextAttemptAt ? 'Retrying' : 'Stopped' };
  if (!m.ts) return { color: 'blue', label: 'Posting' };
  if (m.syncedVersion < m.desiredVersion) return { color: 'blue', label: 'Updating' };
  return { color: 'teal', label: 'In sync' };
}

/** Still being posted or updated (a refused row waits for the next change: no point asking). */
const pending = (m: SlackMessageFieldsFragment) =>
  (m.syncedVersion < m.desiredVersion || !m.ts) && (!m.lastError || Boolean(m.nextAttemptAt));

/**
 * The incident's Slack channel messages and how far they are in sync. The page reloads them when
 * the incident changes; while one is still being posted or updated this asks for a reload every
 * few seconds (a sync is not an incident change).
 */
export function SlackMessages({
  messages,
  refresh,
}: {
  messages: readonly SlackMessageFieldsFragment[];
  refresh: () => void;
}) {
  const waiting = messages.some(pending);
  useEffect(() => {
    if (!waiting) return;
    const t = window.setInterval(refresh, POLL_MS);
    return () => window.clearInterval(t);
  }, [waiting, refresh]);

  return (
    <Card withBorder radius="md" padding="md" component="section" aria-labelledby="incident-slack">
      <Group gap="xs" mb="sm">
        <IconBrandSlack size={18} />
        <Title order={2} size="h5" id="incident-slack">
          Slack
        </Title>
      </Group>
      {messages.length === 0 ? (
        <Text size="sm" c="dimmed">
          Not posted to Slack: its component and escalation policy name no channel, or no workspace is connected.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={520}>
          <Table verticalSpacing="xs" aria-label="Slack messages">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Channel</Table.Th>
                <Table.Th>Message</Table.Th>
                <Table.Th>State</Table.Th>
                <Table.Th>Last synced</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {messages.map((m) => {
                const state = slackMessageState(m);
                return (
                  <Table.Tr key={m.id} data-testid="slack-message">
                    <Table.Td>
                      <Code>{m.channelId}</Code>
                    </Table.Td>
                    <Table.Td>
                      {m.ts ? (
                        <Code data-testid="slack-message-ts">{m.ts}</Code>
                      ) : (
                        <Text size="sm" c="dimmed">
                          not posted yet
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Stack gap={2}>
                        <Tooltip label={`Version ${m.syncedVersion} of ${m.desiredVersion} shown`}>
                          <Badge variant="light" color={state.color} w="fit-content">
                            {state.label}
                          </Badge>
                        </Tooltip>
                        {m.lastError && (
                          <Text size="xs" c="red" data-testid="slack-message-error">
                            {m.lastError}
                          </Text>
                        )}
                        {m.nextAttemptAt && (
                          <Text size="xs" c="dimmed">
                            next try <DateTime value={m.nextAttemptAt} size="xs" />
                          </Text>
                        )}
                      </Stack>
                    </Table.Td>
                    <Table.Td>
                      <DateTime value={m.lastSyncedAt} size="sm" empty="never" />
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Card>
  );
}
