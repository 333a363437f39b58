import { Badge, Button, Drawer, Group, Table, Text, Tooltip } from '@mantine/core';
import { IconMailForward, IconRepeat } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { useParams, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { DeliveryStatusBadge } from '@/components/badges';
import { DateTime } from '@/components/DateTime';
import { ClearFiltersButton } from '@/components/FilterBar';
import { ListPage } from '@/components/ListPage';
import { LiveBadge, LiveError } from '@/components/LiveBadge';
import { ScopePicker } from '@/components/ScopePicker';
import { RequireRole } from '@/components/RequireRole';
import { useCurrentEnvironmentId } from '@/lib/current-context';
import { useIsSystemAdmin, useScopeParam } from '@/lib/scope';
import { useUrlFilter } from '@/lib/url-filter';
import { DeliveryFilterOptionsQuery, SystemDeliveryFilterOptionsQuery } from './api';
import { DeliveryChart } from './components/DeliveryChart';
import { DeliveryDetail } from './components/DeliveryDetail';
import { DeliveryFilters } from './components/DeliveryFilters';
import { RetentionControl } from './components/RetentionControl';
import { RetryFailedModal } from './components/RetryFailedModal';
import { deliveryFilterActive, NO_DELIVERY_FILTER, parseDeliveryFilter, toDeliveryFilter, webhookGone, writeDeliveryFilter } from './filters';
import { useDeliveryFeed } from './use-delivery-feed';

type Option = { value: string; label: string };
const opt = (xs: readonly { id: string; name: string }[] | null | undefined, suffix = ''): Option[] =>
  (xs ?? []).map((x) => ({ value: x.id, label: x.name + suffix }));
const catalogNames = (xs: readonly { name: string }[] | null | undefined) => [...new Set([...(xs ?? []).map((e) => e.name), 'TestEvent'])];

/** Webhooks, endpoints and event names to filter by: the account's (and its current environment's) or the system scope's. */
function useFilterOptions(accountId: string, system: boolean) {
  const [envId] = useCurrentEnvironmentId(accountId);
  const [{ data }] = useQuery({
    query: DeliveryFilterOptionsQuery,
    variables: {
      accountId,
      account: { scope: 'ACCOUNT', id: accountId },
      environment: { scope: 'ENVIRONMENT', id: envId ?? '' },
      withEnvironment: Boolean(envId),
    },
    pause: system,
  });
  const [{ data: sys }] = useQuery({ query: SystemDeliveryFilterOptionsQuery, variables: { accountId }, pause: !system });
  return useMemo(() => {
    if (system) {
      return { webhooks: opt(sys?.systemWebhooks), endpoints: opt(sys?.systemEndpoints), eventNames: catalogNames(sys?.account?.eventCatalog) };
    }
    return {
      webhooks: [...opt(data?.accountWebhooks), ...opt(data?.environmentWebhooks, ' (environment)')],
      endpoints: [...opt(data?.accountEndpoints), ...opt(data?.environmentEndpoints, ' (environment)')],
      eventNames: catalogNames(data?.account?.eventCatalog),
    };
  }, [data, sys, system]);
}

function DeliveryHistory({ accountId }: { accountId: string }) {
  const [params, setParams] = useSearchParams();
  const [state, setFilter] = useUrlFilter(parseDeliveryFilter, writeDeliveryFilter);
  const filter = useMemo(() => toDeliveryFilter(state), [state]);
  const systemAdmin = useIsSystemAdmin();
  const [scope] = useScopeParam(accountId);
  // Deliveries belong to an account or to the system scope (system administrators only).
  const system = scope.scope === 'SYSTEM';
  const feed = useDeliveryFeed(accountId, filter, system);
  const { webhooks, endpoints, eventNames } = useFilterOptions(accountId, system);
  const [hours, setHours] = useState(24);
  const [retrying, setRetrying] = useState(false);
  const openId = params.get('delivery');

  const open = (id: string | null) =>
    setParams((prev) => {
      const next = new URLSearchParams(prev);
      if (id) next.set('delivery', id);
      else next.delete('delivery');
      return next;
    });

  const openSeq = feed.lastChangedId === openId ? feed.liveSeq : 0;

  const filtered = deliveryFilterActive(state);

  const scopePicker = systemAdmin && (
    <ScopePicker
      accountId={accountId}
      value={system ? scope : { scope: 'ACCOUNT', id: accountId }}
      onChange={(s) =>
        // One update (the scope and the filter): ids of the other scope's webhooks,
        // endpoints or deliveries mean nothing here.
        setParams(
          (prev) => {
            const next = writeDeliveryFilter(prev, { ...state, webhookId: null, endpointId: null });
            next.delete('delivery');
            next.delete('env');
            if (s.scope === 'SYSTEM') next.set('scope', 'system');
            else next.delete('scope');
            return next;
          },
          { replace: true },
        )
      }
      withEnvironment={false}
    />
  );

  return (
    <>
      <ListPage
        title="Deliveries"
        description={
          system
            ? 'System scope: deliveries of system webhooks, for events of every account, and test events to system endpoints.'
            : "Every webhook request: its exact payload and each attempt's request and response."
        }
        actions={
          <>
            <LiveBadge failed={Boolean(feed.liveError)} hint="New deliveries and status changes appear without reloading" />
            <RetentionControl canChange={systemAdmin} />
            <Button variant="default" leftSection={<IconRepeat size={16} />} onClick={() => setRetrying(true)}>
              Retry failed since…
            </Button>
          </>
        }
        above={
          <>
            {scopePicker}
            {!system && (
              <DeliveryChart
                accountId={accountId}
                filter={filter}
                filtered={filtered}
                hours={hours}
                onHoursChange={setHours}
                liveSeq={feed.liveSeq}
              />
            )}
          </>
        }
        filters={<DeliveryFilters value={state} onChange={setFilter} webhooks={webhooks} endpoints={endpoints} eventNames={eventNames} />}
        notice={<LiveError error={feed.liveError} />}
        state={{ loaded: feed.loaded, error: feed.error, refetch: feed.refetch, empty: feed.deliveries.length === 0 }}
        pager={feed}
        what="deliveries"
        empty={{
          icon: <IconMailForward size={24} />,
          title: 'No deliveries match',
          body: system
            ? 'Deliveries of system webhooks (for events of every account) and test events to system endpoints appear here.'
            : 'Each event sent to an endpoint by a webhook is a delivery. They appear here as they are queued.',
          action: filtered && <ClearFiltersButton variant="light" onClear={() => setFilter(NO_DELIVERY_FILTER)} />,
        }}
      >
        <Table.ScrollContainer minWidth={1000}>
          <Table verticalSpacing="xs" highlightOnHover aria-label="Deliveries" data-testid="deliveries-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={130}>Status</Table.Th>
                <Table.Th>Event</Table.Th>
                <Table.Th>Endpoint</Table.Th>
                <Table.Th>Webhook</Table.Th>
                <Table.Th w={90}>Attempts</Table.Th>
                <Table.Th w={70}>Code</Table.Th>
                <Table.Th w={120}>Queued</Table.Th>
                <Table.Th w={120}>Next try</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {feed.deliveries.map((d) => {
                const isNew = feed.liveNew.has(d.id);
                return (
                  <Table.Tr
                    key={d.id}
                    data-delivery-id={d.id}
                    data-live={isNew || undefined}
                    data-status={d.status}
                    onClick={() => open(d.id)}
                    style={{ cursor: 'pointer' }}
                    bg={d.id === openId ? 'var(--mantine-color-indigo-light)' : isNew ? 'var(--mantine-color-teal-light)' : undefined}
                  >
                    <Table.Td>
                      <DeliveryStatusBadge value={d.status} />
                    </Table.Td>
                    <Table.Td>
                      <Group gap={6} wrap="nowrap">
                        <Text
                          component="button"
                          type="button"
                          size="sm"
                          ff="monospace"
                          c="indigo"
                          style={{ background: 'none', border: 0, padding: 0, cursor: 'pointer' }}
                          onClick={(e: React.MouseEvent) => {
                            e.stopPropagation();
                            open(d.id);
                          }}
                          aria-label={`Open delivery of ${d.eventName} to ${d.endpoint?.name ?? 'endpoint'}`}
                        >
                          {d.eventName}
                        </Text>
                        {isNew && (
                          <Badge size="xs" color="teal">
                            New
                          </Badge>
                        )}
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <Tooltip label={d.endpoint?.url ?? ''} disabled={!d.endpoint}>
                        <Text size="sm">{d.endpoint?.name ?? '(deleted)'}</Text>
                      </Tooltip>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" c={d.webhook ? undefined : 'dimmed'}>{d.webhook?.name ?? webhookGone(d.eventName)}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">
                        {d.attempts}/{d.maxAttempts}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" c={d.lastStatusCode && d.lastStatusCode >= 400 ? 'red' : undefined}>
                        {d.lastStatusCode ?? '—'}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <DateTime value={d.createdAt} size="sm" />
                    </Table.Td>
                    <Table.Td>
                      {d.status === 'RETRYING' || d.status === 'PENDING' ? (
                        <DateTime value={d.nextAttemptAt} size="sm" />
                      ) : (
                        <Text size="sm" c="dimmed">
                          —
                        </Text>
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </ListPage>
      <Drawer
        opened={Boolean(openId)}
        onClose={() => open(null)}
        position="right"
        size="xl"
        title={<Text fw={700}>Delivery</Text>}
      >
        {openId && <DeliveryDetail key={openId} id={openId} liveSeq={openSeq} canResend />}
      </Drawer>
      {retrying && (
        <RetryFailedModal
          accountId={system ? null : accountId}
          opened={retrying}
          onClose={() => setRetrying(false)}
          webhooks={webhooks}
          endpoints={endpoints}
          initial={{ webhookId: state.webhookId, endpointId: state.endpointId }}
        />
      )}
    </>
  );
}

export default function DeliveriesPage() {
  const { accountId = '' } = useParams();
  return (
    <RequireRole accountId={accountId} role="ADMIN">
      <DeliveryHistory key={accountId} accountId={accountId} />
    </RequireRole>
  );
}
