import {
  ActionIcon,
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  Menu,
  Stack,
  Table,
  Text,
  Tooltip,
  VisuallyHidden,
} from '@mantine/core';
import {
  IconDots,
  IconKey,
  IconPencil,
  IconPlugConnected,
  IconPlayerPlay,
  IconPlus,
  IconSend,
  IconTrash,
} from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { EmptyState } from '@/components/EmptyState';
import { PageHeader } from '@/components/PageHeader';
import { QueryError } from '@/components/QueryError';
import { ScopePicker } from '@/components/ScopePicker';
import { TableSkeleton } from '@/components/TableSkeleton';
import { confirmDanger } from '@/components/confirm';
import type { EndpointFieldsFragment } from '@/gql/graphql';
import { useAccountRole } from '@/lib/account-role';
import { payloadOrNotify } from '@/lib/graphql/mutation';
import { notifySuccess } from '@/lib/notify';
import { roleAtLeast } from '@/lib/roles';
import { useIsSystemAdmin, useScopeParam } from '@/lib/scope';
import {
  DeleteEndpointMutation,
  EndpointsQuery,
  ResumeEndpointMutation,
  RotateEndpointKeyMutation,
  SendTestEventMutation,
  endpointsContext,
} from './api';
import { EndpointFormModal } from './components/EndpointFormModal';
import { EndpointHealthBadge } from './components/EndpointHealthBadge';
import { KeyRevealModal } from './components/KeyRevealModal';
import { TestDeliveryModal } from './components/TestDeliveryModal';

export default function EndpointsPage() {
  const { accountId = '' } = useParams();
  const { role } = useAccountRole(accountId);
  const systemAdmin = useIsSystemAdmin();
  const [scope, setScope] = useScopeParam(accountId);
  const canManage = scope.scope === 'SYSTEM' ? systemAdmin : roleAtLeast(role, 'ADMIN');
  const [{ data, fetching, error }, refetch] = useQuery({ query: EndpointsQuery, variables: { scope }, context: endpointsContext });
  const [, rotate] = useMutation(RotateEndpointKeyMutation);
  const [, remove] = useMutation(DeleteEndpointMutation);
  const [, sendTest] = useMutation(SendTestEventMutation);
  const [, resume] = useMutation(ResumeEndpointMutation);
  const [modal, setModal] = useState<{ open: boolean; endpoint: EndpointFieldsFragment | null }>({ open: false, endpoint: null });
  const [reveal, setReveal] = useState<{ name: string; key: string; rotated: boolean } | null>(null);
  const [test, setTest] = useState<{ deliveryId: string; endpointName: string } | null>(null);
  const endpoints = data?.endpoints ?? [];

  async function onRotate(e: EndpointFieldsFragment) {
    const ok = await confirmDanger({
      title: `Rotate the signing key of ${e.name}?`,
      message: 'Deliveries are signed with the new key at once; the receiver must be updated to accept it.',
      confirmLabel: 'Rotate key',
    });
    if (!ok) return;
    const p = payloadOrNotify(await rotate({ input: { id: e.id } }, endpointsContext), (d) => d.rotateEndpointKey, 'Could not rotate the key');
    if (p?.signingKey) setReveal({ name: e.name, key: p.signingKey, rotated: true });
  }

  async function onDelete(e: EndpointFieldsFragment) {
    const ok = await confirmDanger({
      title: `Delete ${e.name}?`,
      message: e.webhooks.length
        ? `Webhooks still send to it (${e.webhooks.map((w) => w.name).join(', ')}); Switchboard will refuse until they no longer do.`
        : 'Its delivery history stays.',
      confirmLabel: 'Delete endpoint',
    });
    if (!ok) return;
    if (payloadOrNotify(await remove({ input: { id: e.id } }, endpointsContext), (d) => d.deleteEndpoint, `Could not delete ${e.name}`)) {
      notifySuccess(`Deleted ${e.name}.`);
    }
  }

  async function onResume(e: EndpointFieldsFragment) {
    if (payloadOrNotify(await resume({ input: { id: e.id } }, endpointsContext), (d) => d.resumeEndpoint, `Could not resume ${e.name}`)) {
      notifySuccess(`Resumed ${e.name}; its waiting deliveries are being sent.`);
    }
  }

  async function onTest(e: EndpointFieldsFragment) {
    const p = payloadOrNotify(await sendTest({ input: { id: e.id } }), (d) => d.sendTestEvent, 'Could not send a test event');
    if (p?.delivery) setTest({ deliveryId: p.delivery.id, endpointName: e.name });
  }

  const newButton = canManage && (
    <Button leftSection={<IconPlus size={16} />} onClick={() => setModal({ open: true, endpoint: null })}>
      New endpoint
    </Button>
  );

  let body;
  if (error && !data) body = <QueryError error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  else if (fetching && !data) body = <TableSkeleton label="Loading endpoints" />;
  else if (endpoints.length === 0) {
    body = (
      <EmptyState icon={<IconPlugConnected size={24} />} title="No endpoints at this scope" action={newButton}>
        An endpoint is a URL that receives signed webhooks: a CMDB, an ITSM tool, a chat channel.
      </EmptyState>
    );
  } else {
    body = (
      <Table.ScrollContainer minWidth={860}>
        <Table verticalSpacing="sm" highlightOnHover aria-label="Endpoints">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>URL</Table.Th>
              <Table.Th w={90}>Format</Table.Th>
              <Table.Th w={170}>State</Table.Th>
              <Table.Th>Used by</Table.Th>
              <Table.Th w={130}>
                <VisuallyHidden>Actions</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {endpoints.map((e) => (
              <Table.Tr key={e.id}>
                <Table.Td>
                  <Text size="sm" fw={500}>
                    {e.name}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="xs" ff="monospace" style={{ wordBreak: 'break-all' }}>
                    {e.url}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Badge variant="outline" color={e.format === 'SLACK' ? 'grape' : 'indigo'} radius="sm">
                    {e.format === 'SLACK' ? 'Slack' : 'Scalr'}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    <EndpointHealthBadge health={e.health} />
                    {e.shared && (
                      <Badge color="blue" variant="light" size="sm">
                        Shared
                      </Badge>
                    )}
                  </Group>
                  {e.health.state !== 'ACTIVE' && e.health.reason && (
                    <Text size="xs" c="dimmed">
                      {e.health.reason}
                    </Text>
                  )}
                  {e.rateLimit != null && (
                    <Text size="xs" c="dimmed">
                      ≤ {e.rateLimit}/s
                    </Text>
                  )}
                  {canManage && e.health.state !== 'ACTIVE' && (
                    <Button
                      size="compact-xs"
                      variant="light"
                      mt={4}
                      leftSection={<IconPlayerPlay size={12} />}
                      onClick={() => onResume(e)}
                    >
                      Resume now
                    </Button>
                  )}
                </Table.Td>
                <Table.Td>
                  {e.webhooks.length === 0 ? (
                    <Text size="sm" c="dimmed">
                      No webhooks
                    </Text>
                  ) : (
                    <Text size="sm">{e.webhooks.map((w) => w.name).join(', ')}</Text>
                  )}
                  {e.scope !== 'SYSTEM' && (
                    <Anchor component={Link} size="xs" to={`/accounts/${accountId}/deliveries?endpoint=${e.id}`}>
                      Deliveries
                    </Anchor>
                  )}
                </Table.Td>
                <Table.Td>
                  {canManage && (
                    <Group gap={4} justify="flex-end" wrap="nowrap">
                      <Tooltip label="Send a test event">
                        <ActionIcon variant="subtle" aria-label={`Send a test event to ${e.name}`} onClick={() => onTest(e)}>
                          <IconSend size={18} />
                        </ActionIcon>
                      </Tooltip>
                      <Menu position="bottom-end" withinPortal>
                        <Menu.Target>
                          <ActionIcon variant="subtle" color="gray" aria-label={`More actions for ${e.name}`}>
                            <IconDots size={18} />
                          </ActionIcon>
                        </Menu.Target>
                        <Menu.Dropdown>
                          <Menu.Item leftSection={<IconPencil size={14} />} onClick={() => setModal({ open: true, endpoint: e })}>
                            Edit
                          </Menu.Item>
                          <Menu.Item leftSection={<IconKey size={14} />} onClick={() => onRotate(e)}>
                            Rotate signing key
                          </Menu.Item>
                          <Menu.Divider />
                          <Menu.Item color="red" leftSection={<IconTrash size={14} />} onClick={() => onDelete(e)}>
                            Delete
                          </Menu.Item>
                        </Menu.Dropdown>
                      </Menu>
                    </Group>
                  )}
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
        title="Endpoints"
        description={
          scope.scope === 'SYSTEM'
            ? 'System endpoints (system administrators). Shared ones can be used by webhooks of every account.'
            : 'Receivers of signed webhooks. Shared endpoints can be used by webhooks of environments too.'
        }
        actions={endpoints.length > 0 ? newButton : null}
      />
      <Stack gap="md">
        <ScopePicker accountId={accountId} value={scope} onChange={setScope} />
        <Card withBorder padding={0} radius="md">
          <Card.Section p="md">{body}</Card.Section>
        </Card>
      </Stack>
      {canManage && (
        <EndpointFormModal
          scope={scope}
          endpoint={modal.endpoint}
          opened={modal.open}
          onClose={() => setModal((m) => ({ ...m, open: false }))}
          onCreated={(name, key) => {
            setModal({ open: false, endpoint: null });
            setReveal({ name, key, rotated: false });
          }}
        />
      )}
      <KeyRevealModal reveal={reveal} onClose={() => setReveal(null)} />
      <TestDeliveryModal accountId={accountId} test={test} onClose={() => setTest(null)} />
    </>
  );
}
