import { Anchor, Button, Code, Group, Stack, Table, Text, Tooltip } from '@mantine/core';
import { IconAlertTriangle, IconBrandAws, IconPlus } from '@tabler/icons-react';
import { Link, useParams } from 'react-router';
import { useQuery } from 'urql';
import { IntegrationStateBadge, SeverityBadge } from '@/components/badges';
import { DateTime } from '@/components/DateTime';
import { ListPage, queryListState } from '@/components/ListPage';
import { roleAtLeast } from '@/lib/roles';
import { IntegrationsQuery, integrationsContext } from './api';

export default function IntegrationsPage() {
  const { accountId = '' } = useParams();
  const query = useQuery({
    query: IntegrationsQuery,
    variables: { accountId },
    context: integrationsContext,
  });
  const [{ data }] = query;
  const account = data?.account;
  const canManage = roleAtLeast(account?.myRole, 'ADMIN');
  const integrations = account?.awsIntegrations ?? [];
  const base = `/accounts/${accountId}/integrations`;
  const newButton = canManage && (
    <Button component={Link} to={`${base}/new`} leftSection={<IconPlus size={16} />}>
      New AWS integration
    </Button>
  );

  return (
    <ListPage
      title="Integrations"
      description="AWS CloudWatch alarms, delivered by SNS, open and resolve incidents on components."
      actions={integrations.length > 0 ? newButton : null}
      state={queryListState(query, integrations, !account && 'Account not found')}
      what="integrations"
      empty={{
        icon: <IconBrandAws size={24} />,
        title: 'No AWS integrations yet',
        body: 'An integration gives you a URL to subscribe to an SNS topic. CloudWatch alarms on that topic then open and resolve incidents here.',
        action: newButton,
      }}
    >
        <Table.ScrollContainer minWidth={980}>
          <Table verticalSpacing="sm" highlightOnHover aria-label="AWS integrations">
            <Table.Thead>
              <Table.Tr>
                <Table.Th miw={180}>Name</Table.Th>
                <Table.Th w={230}>State</Table.Th>
                <Table.Th>Component</Table.Th>
                <Table.Th>Topic</Table.Th>
                <Table.Th w={170}>Last message</Table.Th>
                <Table.Th w={170}>Opened / resolved / rejected</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {integrations.map((i) => (
                <Table.Tr key={i.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`${base}/${i.id}`} fw={500} size="sm">
                      {i.name}
                    </Anchor>
                    <Group gap={6}>
                      <Text size="xs" c="dimmed">
                        URL <Code fz="xs">{i.tokenPrefix}…</Code>
                      </Text>
                      <SeverityBadge value={i.defaultSeverity} size="xs" variant="light" />
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={6} wrap="nowrap">
                      <IntegrationStateBadge value={i.state} />
                      {i.lastRejectionReason && (
                        <Tooltip label={`Last refusal: ${i.lastRejectionReason}`} multiline w={320}>
                          <IconAlertTriangle size={16} color="var(--mantine-color-orange-6)" aria-label="Recent refusals" />
                        </Tooltip>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{i.component.name}</Text>
                  </Table.Td>
                  <Table.Td>
                    {i.topicArn ? (
                      <Text size="xs" ff="monospace" style={{ wordBreak: 'break-all' }}>
                        {i.topicArn}
                      </Text>
                    ) : (
                      <Text size="xs" c="dimmed">
                        Not pinned yet{i.expectedTopicArn ? ` (expects ${i.expectedTopicArn})` : ''}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Stack gap={0}>
                      <DateTime value={i.stats.lastMessageAt} empty="Never" size="sm" />
                      {i.stats.lastOutcome && (
                        <Text size="xs" c="dimmed">
                          {i.stats.lastOutcome.replaceAll('_', ' ')}
                        </Text>
                      )}
                    </Stack>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">
                      {i.stats.opened} / {i.stats.resolved} /{' '}
                      <Text span c={i.stats.rejected ? 'red' : undefined} inherit>
                        {i.stats.rejected}
                      </Text>
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
    </ListPage>
  );
}
