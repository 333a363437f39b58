import { ActionIcon, Anchor, Badge, Button, Group, Menu, Table, Text, Tooltip } from '@mantine/core';
import {
  IconDots,
  IconKey,
  IconKeyOff,
  IconRotateClockwise,
  IconPencil,
  IconPlugConnected,
  IconPlayerPlay,
  IconPlus,
  IconSend,
  IconTrash,
} from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useQuery } from 'urql';
import { ListPage, queryListState } from '@/components/ListPage';
import { RowActions, RowActionsHeader } from '@/components/RowActions';
import { ScopePicker } from '@/components/ScopePicker';
import { confirmDanger } from '@/components/confirm';
import type { EndpointFieldsFragment } from '@/gql/graphql';
import { useAccountRole } from '@/lib/account-role';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';
import { roleAtLeast } from '@/lib/roles';
import { useIsSystemAdmin, useScopeParam } from '@/lib/scope';
import { formatDateTime } from '@/lib/format';
import {
  CancelEndpointKeyRotationMutation,
  DeleteEndpointMutation,
  EndpointsQuery,
  FinishEndpointKeyRotationMutation,
  ResumeEndpointMutation,
  SendTestEventMutation,
  endpointsContext,
} from './api';
import { EndpointFormModal } from './components/EndpointFormModal';
import { EndpointHealthBadge } from './components/EndpointHealthBadge';
import { KeyRevealModal, type KeyReveal } from './components/KeyRevealModal';
import { RotateKeyModal } from './components/RotateKeyModal';
import { TestDeliveryModal } from './components/TestDeliveryModal';

export default function EndpointsPage() {
  const { accountId = '' } = useParams();
  const { role } = useAccountRole(accountId);
  const systemAdmin = useIsSystemAdmin();
  const [scope, setScope] = useScopeParam(accountId);
  const canManage = scope.scope === 'SYSTEM' ? systemAdmin : roleAtLeast(role, 'ADMIN');
  const query = useQuery({ query: EndpointsQuery, variables: { scope }, context: endpointsContext });
  const [{ data }] = query;
  const [, finishRotation] = useMutationWithErrors(FinishEndpointKeyRotationMutation, (d) => d.finishEndpointKeyRotation, {
    failTitle: 'Could not finish the rotation',
    context: endpointsContext,
  });
  const [, cancelRotation] = useMutationWithErrors(CancelEndpointKeyRotationMutation, (d) => d.cancelEndpointKeyRotation, {
    failTitle: 'Could not cancel the rotation',
    context: endpointsContext,
  });
  const [rotating, setRotating] = useState<EndpointFieldsFragment | null>(null);
  const [, remove] = useMutationWithErrors(DeleteEndpointMutation, (d) => d.deleteEndpoint, {
    failTitle: 'Could not delete the endpoint',
    context: endpointsContext,
  });
  const [, sendTest] = useMutationWithErrors(SendTestEventMutation, (d) => d.sendTestEvent, { failTitle: 'Could not send a test event' });
  const [, resume] = useMutationWithErrors(ResumeEndpointMutation, (d) => d.resumeEndpoint, {
    failTitle: 'Could not resume the endpoint',
    context: endpointsContext,
  });
  const [modal, setModal] = useState<{ open: boolean; endpoint: EndpointFieldsFragment | null }>({ open: false, endpoint: null });
  const [reveal, setReveal] = useState<KeyReveal | null>(null);
  const [test, setTest] = useState<{ deliveryId: string; endpointName: string } | null>(null);
  const endpoints = data?.endpoints ?? [];

  async function onFinishRotation(e: EndpointFieldsFragment) {
    const ok = await confirmDanger({
      title: `Finish the key rotation of ${e.name} now?`,
      message: 'The old key stops signing at once: both signatures use only the new key from now on.',
      confirmLabel: 'Finish rotation',
    });
    if (!ok) return;
    await finishRotation({ input: { id: e.id } }, { success: `Only the new key signs deliveries to ${e.name} now.`, notifyUserErrors: true });
  }

  async function onCancelRotation(e: EndpointFieldsFragment) {
    const ok = await confirmDanger({
      title: `Cancel the key rotation of ${e.name}?`,
      message: 'The new key stops signing at once and the old key signs alone again. Receivers that already use the new key fail.',
      confirmLabel: 'Go back to the old key',
    });
    if (!ok) return;
    await cancelRotation({ input: { id: e.id } }, { success: `Deliveries to ${e.name} are signed with the old key again.`, notifyUserErrors: true });
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
    await remove({ input: { id: e.id } }, { success: `Deleted ${e.name}.`, notifyUserErrors: true });
  }

  async function onResume(e: EndpointFieldsFragment) {
    await resume({ input: { id: e.id } }, { success: `Resumed ${e.name}; its waiting deliveries are being sent.`, notifyUserErrors: true });
  }

  async function onTest(e: EndpointFieldsFragment) {
    const outcome = await sendTest({ input: { id: e.id } }, { notifyUserErrors: true });
    if (outcome.ok && outcome.payload.delivery) setTest({ deliveryId: outcome.payload.delivery.id, endpointName: e.name });
  }

  const newButton = canManage && (
    <Button leftSection={<IconPlus size={16} />} onClick={() => setModal({ open: true, endpoint: null })}>
      New endpoint
    </Button>
  );

  return (
    <>
      <ListPage
        title="Endpoints"
        description={
          scope.scope === 'SYSTEM'
            ? 'System endpoints (system administrators). Shared ones can be used by webhooks of every account.'
            : 'Receivers of signed webhooks. Shared endpoints can be used by webhooks of environments too.'
        }
        actions={endpoints.length > 0 ? newButton : null}
        filters={<ScopePicker accountId={accountId} value={scope} onChange={setScope} what="endpoints" />}
        state={queryListState(query, endpoints)}
        what="endpoints"
        empty={{
          icon: <IconPlugConnected size={24} />,
          title: 'No endpoints at this scope',
          body: 'An endpoint is a URL that receives signed webhooks: a CMDB, an ITSM tool, a chat channel.',
          action: newButton,
        }}
      >
        <Table.ScrollContainer minWidth={860}>
          <Table verticalSpacing="sm" highlightOnHover aria-label="Endpoints">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>URL</Table.Th>
                <Table.Th w={90}>Format</Table.Th>
                <Table.Th w={170}>State</Table.Th>
                <Table.Th>Used by</Table.Th>
                <RowActionsHeader w={130} />
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
                      {e.keyRotation.inProgress && e.keyRotation.overlapUntil && (
                        <Tooltip
                          multiline
                          w={280}
                          label={`Both keys sign webhook-signature until ${formatDateTime(e.keyRotation.overlapUntil)}. X-Signature ${
                            e.keyRotation.scalrUsesNewKey
                              ? 'uses the new key.'
                              : `switches to the new key at ${formatDateTime(e.keyRotation.signatureSwitchAt ?? e.keyRotation.overlapUntil)}.`
                          }`}
                        >
                          <Badge color="orange" variant="light" size="sm">
                            Key rotation
                          </Badge>
                        </Tooltip>
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
                      <RowActions
                        name={e.name}
                        actions={[{ label: 'Send a test event', name: `Send a test event to ${e.name}`, icon: IconSend, onClick: () => onTest(e) }]}
                      >
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
                            {e.keyRotation.inProgress ? (
                              <>
                                <Menu.Item leftSection={<IconKey size={14} />} onClick={() => onFinishRotation(e)}>
                                  Finish key rotation now
                                </Menu.Item>
                                <Menu.Item leftSection={<IconKeyOff size={14} />} onClick={() => onCancelRotation(e)}>
                                  Cancel key rotation
                                </Menu.Item>
                              </>
                            ) : (
                              <Menu.Item leftSection={<IconRotateClockwise size={14} />} onClick={() => setRotating(e)}>
                                Rotate signing key
                              </Menu.Item>
                            )}
                            <Menu.Divider />
                            <Menu.Item color="red" leftSection={<IconTrash size={14} />} onClick={() => onDelete(e)}>
                              Delete
                            </Menu.Item>
                          </Menu.Dropdown>
                        </Menu>
                      </RowActions>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </ListPage>
      {canManage && (
        <EndpointFormModal
          scope={scope}
          endpoint={modal.endpoint}
          opened={modal.open}
          onClose={() => setModal((m) => ({ ...m, open: false }))}
          onCreated={(name, key, warnings) => {
            setModal({ open: false, endpoint: null });
            setReveal({ name, key, rotated: false, warnings });
          }}
        />
      )}
      {canManage && (
        <RotateKeyModal
          endpoint={rotating}
          onClose={() => setRotating(null)}
          onRotated={(r) => {
            setRotating(null);
            setReveal({ ...r, rotated: true });
          }}
        />
      )}
      <KeyRevealModal reveal={reveal} onClose={() => setReveal(null)} />
      <TestDeliveryModal accountId={accountId} test={test} onClose={() => setTest(null)} />
    </>
  );
}
