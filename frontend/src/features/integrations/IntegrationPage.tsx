import {
  Alert,
  Anchor,
  Badge,
  Breadcrumbs,
  Button,
  Card,
  Code,
  Group,
  Modal,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { IconAlertTriangle, IconBrandAws, IconFlask, IconPencil, IconRefresh, IconTrash } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useQuery } from 'urql';
import { IntegrationStateBadge, SeverityBadge } from '@/components/badges';
import { CodeBlock } from '@/components/CodeBlock';
import { DateTime } from '@/components/DateTime';
import { DetailList } from '@/components/DetailList';
import { EmptyState } from '@/components/EmptyState';
import { QueryError } from '@/components/QueryError';
import { SecretReveal } from '@/components/SecretReveal';
import { TableSkeleton } from '@/components/TableSkeleton';
import { confirmDanger } from '@/components/confirm';
import { useAccountRole } from '@/lib/account-role';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';
import { roleAtLeast } from '@/lib/roles';
import { PolicyAttachCard } from '@/components/PolicyAttachCard';
import {
  DeleteIntegrationMutation,
  IntegrationQuery,
  RotateIntegrationUrlMutation,
  integrationsContext,
} from './api';
import { awsCommands, rejectionFix } from './aws';
import { AwsSetupSteps } from './components/AwsSetupSteps';
import { EditIntegrationModal } from './components/EditIntegrationModal';
import { RoutingRulesCard } from './components/RoutingRulesCard';
import { TestAlarmModal } from './components/TestAlarmModal';

const REFRESH_MS = 10_000;

function Stat({ label, value, color }: { label: string; value: number; color?: string }) {
  return (
    <Paper withBorder p="sm" radius="md">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="xl" fw={700} c={value ? color : undefined}>
        {value}
      </Text>
    </Paper>
  );
}

export default function IntegrationPage() {
  const { accountId = '', integrationId = '' } = useParams();
  const navigate = useNavigate();
  const { role } = useAccountRole(accountId);
  const canManage = roleAtLeast(role, 'ADMIN');
  const [{ data, fetching, error }, refetch] = useQuery({
    query: IntegrationQuery,
    variables: { id: integrationId },
    context: integrationsContext,
  });
  const [, rotate] = useMutationWithErrors(RotateIntegrationUrlMutation, (d) => d.rotateAwsIntegrationUrl, {
    failTitle: 'Could not rotate the URL',
    context: integrationsContext,
  });
  const [, remove] = useMutationWithErrors(DeleteIntegrationMutation, (d) => d.deleteAwsIntegration, {
    failTitle: 'Could not delete the integration',
    context: integrationsContext,
  });
  const [editing, setEditing] = useState(false);
  const [showSteps, setShowSteps] = useState(false);
  const [testing, setTesting] = useState(false);
  // A rotated URL lives only in this state, until the dialog closes.
  const [rotated, setRotated] = useState<{ url: string; topic: string } | null>(null);

  // SNS traffic does not come through a subscription: look again every few seconds.
  useEffect(() => {
    const t = window.setInterval(() => refetch({ requestPolicy: 'network-only' }), REFRESH_MS);
    return () => window.clearInterval(t);
  }, [refetch]);

  const list = `/accounts/${accountId}/integrations`;
  const integ = data?.awsIntegration;
  const crumbs = (
    <Breadcrumbs mb="xs" fz="sm">
      <Anchor component={Link} to={list}>
        Integrations
      </Anchor>
      <span>{integ?.name ?? 'Integration'}</span>
    </Breadcrumbs>
  );
  if (error && !data) return <>{crumbs}<QueryError error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} /></>;
  if (fetching && !data) return <>{crumbs}<TableSkeleton label="Loading the integration" /></>;
  if (!integ || integ.accountId !== accountId) {
    return <>{crumbs}<EmptyState title="Integration not found">It was deleted, or belongs to another account.</EmptyState></>;
  }

  async function onRotate() {
    const ok = await confirmDanger({
      title: 'Rotate the webhook URL?',
      message: (
        <>
          The current URL stops working <b>at once</b>: SNS messages to it are refused with 404 and
          the topic pin is cleared. You must subscribe the new URL to the topic (and remove the old
          subscription) before alarms come in again.
        </>
      ),
      confirmLabel: 'Rotate URL',
    });
    if (!ok) return;
    const outcome = await rotate({ input: { id: integrationId } }, { notifyUserErrors: true });
    const p = outcome.ok ? outcome.payload : null;
    if (p?.webhookUrl) setRotated({ url: p.webhookUrl, topic: integ!.topicArn || integ!.expectedTopicArn });
  }

  async function onDelete() {
    const ok = await confirmDanger({
      title: `Delete ${integ!.name}?`,
      message: 'Its URL answers 404 at once. Incidents it opened stay. Remember to delete the SNS subscription too.',
      confirmLabel: 'Delete integration',
    });
    if (!ok) return;
    const outcome = await remove({ input: { id: integrationId } }, { notifyUserErrors: true, success: `Deleted ${integ!.name}.` });
    if (outcome.ok) navigate(list);
  }

  const s = integ.stats;
  const versionRejection = integ.recentRejections.find((r) => r.reasonCode === 'unsupported_signature_version');

  return (
    <>
      {crumbs}
      <Group justify="space-between" align="flex-end" mb="lg" wrap="wrap">
        <Stack gap={4}>
          <Group gap="sm">
            <Title order={1} size="h2">
              {integ.name}
            </Title>
            <IntegrationStateBadge value={integ.state} size="lg" />
          </Group>
          <Text size="sm" c="dimmed">
            AWS CloudWatch through SNS · incidents open on <b>{integ.component.name}</b> as{' '}
            <SeverityBadge value={integ.defaultSeverity} size="sm" variant="light" />
          </Text>
        </Stack>
        <Group gap="sm">
          <Button variant="default" leftSection={<IconBrandAws size={16} />} onClick={() => setShowSteps(true)}>
            Show AWS setup steps
          </Button>
          {canManage && (
            <>
              <Button variant="default" leftSection={<IconFlask size={16} />} onClick={() => setTesting(true)}>
                Send a test alarm
              </Button>
              <Button variant="default" leftSection={<IconPencil size={16} />} onClick={() => setEditing(true)}>
                Edit
              </Button>
              <Button variant="default" leftSection={<IconRefresh size={16} />} onClick={onRotate}>
                Rotate URL
              </Button>
              <Button variant="light" color="red" leftSection={<IconTrash size={16} />} onClick={onDelete}>
                Delete
              </Button>
            </>
          )}
        </Group>
      </Group>

      <Stack gap="lg">
        {versionRejection && integ.state !== 'CONFIRMED' && (
          <Alert color="orange" icon={<IconAlertTriangle size={18} />} title="SNS is signing with SignatureVersion 1" role="alert">
            <Text size="sm" mb="xs">
              {rejectionFix(versionRejection.reasonCode)} Then re-create (or re-request) the
              subscription:
            </Text>
            <CodeBlock label="Copy command">
              {awsCommands(versionRejection.topicArn || integ.topicArn || integ.expectedTopicArn, '<webhook URL>').signatureVersion}
            </CodeBlock>
          </Alert>
        )}
        <Card withBorder radius="md">
          <DetailList
            items={[
              { label: 'Webhook URL', value: <Code>…/webhooks/aws/{integ.tokenPrefix}…</Code> },
              { label: 'Pinned topic', value: integ.topicArn || <Text span c="dimmed" size="sm">Not pinned yet</Text> },
              { label: 'Expected topic', value: integ.expectedTopicArn || <Text span c="dimmed" size="sm">Any (first one is pinned)</Text> },
              { label: 'Subscription ARN', value: integ.subscriptionArn || <Text span c="dimmed" size="sm">—</Text> },
              { label: 'Confirmed', value: <DateTime value={integ.confirmedAt} empty="Not yet" size="sm" /> },
              { label: 'Unsubscribed', value: <DateTime value={integ.unsubscribedAt} empty="—" size="sm" />, hidden: !integ.unsubscribedAt },
              { label: 'Created', value: <DateTime value={integ.createdAt} size="sm" /> },
              {
                label: 'Last message',
                value: (
                  <>
                    <DateTime value={s.lastMessageAt} empty="Never" size="sm" />
                    {s.lastOutcome && <Text span size="sm" c="dimmed"> · {s.lastOutcome.replaceAll('_', ' ')}</Text>}
                  </>
                ),
              },
            ]}
          />
        </Card>

        <PolicyAttachCard
          accountId={integ.accountId}
          targetId={integ.id}
          policy={integ.escalationPolicy}
          canEdit={canManage}
          fallback={`the policy of ${integ.component.name}`}
        />

        <RoutingRulesCard integ={integ} canManage={canManage} />

        <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm" aria-label="Message counts">
          <Stat label="Opened" value={s.opened} color="red" />
          <Stat label="Resolved" value={s.resolved} color="teal" />
          <Stat label="No change" value={s.noChange} />
          <Stat label="Out of order" value={s.outOfOrder} />
          <Stat label="Ignored" value={s.ignored} />
          <Stat label="Confirmations" value={s.confirmations} />
          <Stat label="Rejected" value={s.rejected} color="red" />
          <Stat label="Tests" value={s.tests} />
        </SimpleGrid>

        <Card withBorder radius="md">
          <Title order={2} size="h5" mb="sm">
            Recent rejections
          </Title>
          {integ.recentRejections.length === 0 ? (
            <Text size="sm" c="dimmed">
              None. Requests Switchboard refuses (bad signature, wrong topic, SignatureVersion 1…)
              are listed here with the reason.
            </Text>
          ) : (
            <Table.ScrollContainer minWidth={760}>
              <Table verticalSpacing="xs" aria-label="Recent rejections">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th w={140}>When</Table.Th>
                    <Table.Th w={210}>Reason</Table.Th>
                    <Table.Th>Detail</Table.Th>
                    <Table.Th w={170}>Message type</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {integ.recentRejections.map((r) => (
                    <Table.Tr key={r.id}>
                      <Table.Td>
                        <DateTime value={r.receivedAt} size="sm" />
                      </Table.Td>
                      <Table.Td>
                        <Badge color="red" variant="light" radius="sm">
                          {r.reasonCode.replaceAll('_', ' ')}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{r.reason}</Text>
                        {rejectionFix(r.reasonCode) && (
                          <Text size="xs" c="dimmed" mt={2}>
                            Fix: {rejectionFix(r.reasonCode)}
                          </Text>
                        )}
                        {r.topicArn && (
                          <Text size="xs" c="dimmed" ff="monospace">
                            {r.topicArn}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{r.messageType || '—'}</Text>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </Card>

        <Card withBorder radius="md">
          <Title order={2} size="h5" mb="sm">
            Recent messages
          </Title>
          {integ.recentMessages.length === 0 ? (
            <Text size="sm" c="dimmed">
              No messages yet. Accepted SNS messages (confirmations, alarms) are listed here.
            </Text>
          ) : (
            <Table.ScrollContainer minWidth={1000}>
              <Table verticalSpacing="xs" aria-label="Recent messages">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th w={140}>When</Table.Th>
                    <Table.Th w={170}>Type</Table.Th>
                    <Table.Th>Alarm</Table.Th>
                    <Table.Th w={130}>Outcome</Table.Th>
                    <Table.Th>Incident</Table.Th>
                    <Table.Th>Rule</Table.Th>
                    <Table.Th>Detail</Table.Th>
                    <Table.Th>Message id</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {integ.recentMessages.map((m) => (
                    <Table.Tr key={m.messageId}>
                      <Table.Td>
                        <DateTime value={m.receivedAt} size="sm" />
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{m.type}</Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{m.alarmName || '—'}</Text>
                      </Table.Td>
                      <Table.Td>
                        <Badge variant="light" radius="sm" color={m.outcome === 'opened' ? 'red' : m.outcome === 'resolved' ? 'teal' : 'gray'}>
                          {m.outcome.replaceAll('_', ' ')}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        {m.incident ? (
                          <Group gap={4} wrap="nowrap">
                            <Anchor component={Link} to={`/accounts/${accountId}/incidents/${m.incident.id}`} size="sm">
                              {m.incident.title}
                            </Anchor>
                            {m.incident.isTest && (
                              <Badge size="xs" variant="outline" color="gray">
                                Test
                              </Badge>
                            )}
                          </Group>
                        ) : (
                          <Text size="sm" c="dimmed">—</Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        {m.route ? (
                          <Text size="sm">{m.route.name}</Text>
                        ) : (
                          <Text size="sm" c="dimmed">{m.alarmName ? 'none' : '—'}</Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{m.detail || '—'}</Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="xs" ff="monospace" style={{ wordBreak: 'break-all' }}>
                          {m.messageId}
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </Card>
      </Stack>

      {canManage && <EditIntegrationModal integration={integ} opened={editing} onClose={() => setEditing(false)} />}
      {canManage && (
        <TestAlarmModal accountId={accountId} integrationId={integ.id} opened={testing} onClose={() => setTesting(false)} />
      )}
      <Modal opened={showSteps} onClose={() => setShowSteps(false)} title="AWS setup steps" size="xl" centered>
        <Stack gap="lg">
          <Alert color="blue" variant="light">
            The full webhook URL was shown once, when the integration was created; the commands below show{' '}
            <Code>{'<webhook URL>'}</Code> in its place. If you no longer have it, rotate the URL to get a new one
            (the old one stops working at once).
          </Alert>
          <AwsSetupSteps webhookUrl="<webhook URL>" topicArn={integ.topicArn || integ.expectedTopicArn} />
          <Group justify="flex-end">
            <Button onClick={() => setShowSteps(false)}>Close</Button>
          </Group>
        </Stack>
      </Modal>
      <Modal
        opened={rotated !== null}
        onClose={() => setRotated(null)}
        title="New webhook URL"
        size="xl"
        closeOnClickOutside={false}
        centered
      >
        {rotated && (
          <Stack gap="lg">
            <SecretReveal
              title="The old URL no longer works"
              label="New webhook URL"
              value={rotated.url}
              warning="Copy this URL now. You will not see it again."
              testId="webhook-url"
              note="Switchboard stores only a hash of its secret part. If you lose it, rotate it again."
            >
              <Alert color="orange" variant="light" icon={<IconAlertTriangle size={16} />}>
                The SNS subscription to the old URL is dead. Subscribe this URL to the topic again;
                the topic is pinned anew when SNS confirms.
              </Alert>
            </SecretReveal>
            <AwsSetupSteps webhookUrl={rotated.url} topicArn={rotated.topic} />
            <Group justify="flex-end">
              <Button onClick={() => setRotated(null)}>I have copied the URL</Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </>
  );
}
