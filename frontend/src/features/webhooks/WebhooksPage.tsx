import { Anchor, Badge, Button, Card, Group, Stack, Table, Tabs, Text, Tooltip } from '@mantine/core';
import { IconPlus, IconWebhook } from '@tabler/icons-react';
import { Link, useParams, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { ListPage, queryListState } from '@/components/ListPage';
import { PageHeader } from '@/components/PageHeader';
import { RowActions, RowActionsHeader } from '@/components/RowActions';
import { ScopePicker } from '@/components/ScopePicker';
import { confirmDanger } from '@/components/confirm';
import { useAccountRole } from '@/lib/account-role';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';
import { roleAtLeast } from '@/lib/roles';
import { scopeSearch, useIsSystemAdmin, useScopeParam } from '@/lib/scope';
import { DeleteWebhookMutation, WebhooksQuery, webhooksContext } from './api';
import { CustomEventsPanel } from './components/CustomEventsPanel';

export default function WebhooksPage() {
  const { accountId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const { role } = useAccountRole(accountId);
  const systemAdmin = useIsSystemAdmin();
  const [scope, setScope] = useScopeParam(accountId);
  const canManage = scope.scope === 'SYSTEM' ? systemAdmin : roleAtLeast(role, 'ADMIN');
  const query = useQuery({ query: WebhooksQuery, variables: { scope }, context: webhooksContext });
  const [{ data }] = query;
  const [, remove] = useMutationWithErrors(DeleteWebhookMutation, (d) => d.deleteWebhook, {
    failTitle: 'Could not delete the webhook',
    context: webhooksContext,
  });
  const webhooks = data?.webhooks ?? [];
  const base = `/accounts/${accountId}/webhooks`;
  const scopeQuery = scopeSearch(scope);
  const tab = params.get('tab') === 'custom' ? 'custom' : 'webhooks';

  async function onDelete(id: string, name: string) {
    const ok = await confirmDanger({ title: `Delete ${name}?`, message: 'No more deliveries are queued for it; its history stays.', confirmLabel: 'Delete webhook' });
    if (!ok) return;
    await remove({ input: { id } }, { success: `Deleted ${name}.`, notifyUserErrors: true });
  }

  const newButton = canManage && (
    <Button component={Link} to={`${base}/new${scopeQuery}`} leftSection={<IconPlus size={16} />}>
      New webhook
    </Button>
  );

  const list = (
    <ListPage
      state={queryListState(query, webhooks)}
      what="webhooks"
      empty={{
        icon: <IconWebhook size={24} />,
        title: 'No webhooks at this scope',
        body: 'A webhook sends chosen events (incidents, farms, servers, custom) to one or more endpoints.',
        action: newButton,
      }}
    >
      <Table.ScrollContainer minWidth={860}>
        <Table verticalSpacing="sm" highlightOnHover aria-label="Webhooks">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Events</Table.Th>
              <Table.Th>Endpoints</Table.Th>
              <Table.Th w={110}>Farms</Table.Th>
              <Table.Th w={130}>Delivery</Table.Th>
              {canManage && <RowActionsHeader w={90} />}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {webhooks.map((w) => (
              <Table.Tr key={w.id} opacity={w.active ? 1 : 0.65}>
                <Table.Td>
                  <Group gap={6}>
                    {canManage ? (
                      <Anchor component={Link} to={`${base}/${w.id}${scopeQuery}`} size="sm" fw={500}>
                        {w.name}
                      </Anchor>
                    ) : (
                      <Text size="sm" fw={500}>
                        {w.name}
                      </Text>
                    )}
                    {!w.active && (
                      <Badge size="xs" color="gray">
                        Inactive
                      </Badge>
                    )}
                  </Group>
                  {w.scope !== 'SYSTEM' && (
                    <Anchor component={Link} size="xs" to={`/accounts/${accountId}/deliveries?webhook=${w.id}`}>
                      Deliveries
                    </Anchor>
                  )}
                </Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {w.events.slice(0, 4).map((e) => (
                      <Badge key={e} size="sm" variant="light" radius="sm" tt="none">
                        {e}
                      </Badge>
                    ))}
                    {w.events.length > 4 && (
                      <Tooltip label={w.events.slice(4).join(', ')} multiline w={300}>
                        <Badge size="sm" variant="outline" color="gray">
                          +{w.events.length - 4}
                        </Badge>
                      </Tooltip>
                    )}
                  </Group>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{w.endpoints.map((e) => e.name).join(', ') || '—'}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{w.farmIds.length ? `${w.farmIds.length} farm${w.farmIds.length > 1 ? 's' : ''}` : 'All'}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="xs" c="dimmed">
                    {w.timeoutSeconds}s timeout · {w.maxAttempts} attempts
                  </Text>
                </Table.Td>
                {canManage && (
                  <Table.Td>
                    <RowActions name={w.name} editTo={`${base}/${w.id}${scopeQuery}`} onDelete={() => onDelete(w.id, w.name)} />
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </ListPage>
  );

  return (
    <>
      <PageHeader
        title="Webhooks"
        description={
          scope.scope === 'SYSTEM'
            ? 'System webhooks: events of every account, sent to system endpoints (system administrators).'
            : 'Send incident, farm, server and custom events to endpoints.'
        }
        actions={tab === 'webhooks' && webhooks.length > 0 ? newButton : null}
      />
      <Stack gap="md">
        <ScopePicker accountId={accountId} value={scope} onChange={setScope} what="webhooks and custom events" />
        <Tabs
          value={tab}
          onChange={(v) =>
            setParams(
              (prev) => {
                const next = new URLSearchParams(prev);
                if (v === 'custom') next.set('tab', 'custom');
                else next.delete('tab');
                return next;
              },
              { replace: true },
            )
          }
          keepMounted={false}
        >
          <Tabs.List>
            <Tabs.Tab value="webhooks">Webhooks</Tabs.Tab>
            <Tabs.Tab value="custom">Custom events</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="webhooks" pt="md">
            {list}
          </Tabs.Panel>
          <Tabs.Panel value="custom" pt="md">
            <Card withBorder radius="md">
              <CustomEventsPanel key={`${scope.scope}:${scope.id}`} scope={scope} canManage={canManage} />
            </Card>
          </Tabs.Panel>
        </Tabs>
      </Stack>
    </>
  );
}
