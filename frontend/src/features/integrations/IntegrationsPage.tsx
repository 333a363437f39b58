import { Anchor, Button, Card, Code, Group, Stack, Table, Text, Tooltip } from '@mantine/core';
import { IconAlertTriangle, IconBrandAws, IconPlus } from '@tabler/icons-react';
import { Link, useParams } from 'react-router';
import { useQuery } from 'urql';
import { IntegrationStateBadge, SeverityBadge } from '@/components/badges';
import { DateTime } from '@/components/DateTime';
import { EmptyState } from '@/components/EmptyState';
import { PageHeader } from '@/components/PageHeader';
import { QueryError } from '@/components/QueryError';
import { TableSkeleton } from '@/components/TableSkeleton';
import { roleAtLeast } from '@/lib/roles';
import { IntegrationsQuery, integrationsContext } from './api';

export default function IntegrationsPage() {
  const { accountId = '' } = useParams();
  const [{ data, fetching, error }, refetch] = useQuery({
    query: IntegrationsQuery,
    variables: { accountId },
    context: integrationsContext,
  });
  const account = data?.account;
  const canManage = roleAtLeast(account?.myRole, 'ADMIN');
  const integrations = account?.awsIntegrations ?? [];
  const base = `/accounts/${accountId}/integrations`;
  const newButton = canManage && (
    <Button component={Link} to={`${base}/new`} leftSection={<IconPlus size={16} />}>
      New AWS integration
    </Button>
  );

  let body;
  if (error && !data) body = <QueryError error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  else if (fetching && !data) body = <TableSkeleton label="Loading integrations" />;
  else if (!account) body = <EmptyState title="Account not found" />;
  else if (integrations.length === 0) {
    body = (
      <EmptyState icon={<IconBrandAws size={24} />} title="No AWS integrations yet" action={newButton}>
        An integration gives you a URL to subscribe to an SNS topic. CloudWatch alarms on that topic
        then open and resolve incidents here.
      </EmptyState>
    );
  } else {
    body = (
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
    );
  }

  return (
    <>
      <PageHeader
        title="Integrations"
        description="AWS CloudWatch alarms, delivered by SNS, open and resolve incidents on components."
        actions={integrations.length > 0 ? newButton : null}
      />
      <Card withBorder padding={0} radius="md">
        <Card.Section p="md">{body}</Card.Section>
      </Card>
    </>
  );
}
