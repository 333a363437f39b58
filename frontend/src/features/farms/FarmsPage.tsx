import { Anchor, Button, Select, Table, Text } from '@mantine/core';
import { IconPlus, IconServer2 } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useQuery } from 'urql';
import { FarmStatusBadge } from '@/components/badges';
import { DateTime } from '@/components/DateTime';
import { FilterBar } from '@/components/FilterBar';
import { ListPage, queryListState } from '@/components/ListPage';
import { LiveBadge, LiveError } from '@/components/LiveBadge';
import { useCurrentEnvironmentId } from '@/lib/current-context';
import { useEnvironmentOptions } from '@/lib/options';
import { roleAtLeast } from '@/lib/roles';
import type { FarmsQuery as FarmsQueryResult } from '@/gql/graphql';
import { FarmsQuery, farmsContext } from './api';
import { NewFarmModal } from './components/FarmForms';
import { newerFarm, useLiveFarms, type LiveFarms } from './use-live-farms';
const ALL = 'all';

type ListedFarm = NonNullable<FarmsQueryResult['account']>['farms'][number];

/**
 * The loaded list with what farmChanged pushed merged in: rows change in place, farms created
 * since (in the environment shown) are added at the end.
 */
export function mergeLiveFarms(farms: readonly ListedFarm[], live: LiveFarms | null, environmentId: string | null): ListedFarm[] {
  if (!live) return [...farms];
  const listed = new Set(farms.map((f) => f.id));
  const merged = farms.map((f) => (live.byId[f.id] ? newerFarm(f, live.byId[f.id]) : f));
  const added = live.order
    .filter((id) => !listed.has(id))
    .map((id) => live.byId[id])
    .filter((f) => !environmentId || f.environment.id === environmentId);
  return [...merged, ...added];
}

export default function FarmsPage() {
  const { accountId = '' } = useParams();
  const [currentEnv] = useCurrentEnvironmentId(accountId);
  const [picked, setPicked] = useState<string | null>(null);
  const envFilter = picked ?? currentEnv ?? ALL;
  const { options: envOptions } = useEnvironmentOptions(accountId);
  const query = useQuery({
    query: FarmsQuery,
    variables: { accountId, environmentId: envFilter === ALL ? null : envFilter },
    context: farmsContext,
  });
  const [{ data }] = query;
  const [creating, setCreating] = useState(false);
  const account = data?.account;
  const canAct = roleAtLeast(account?.myRole, 'MEMBER');
  const { live, error: liveError } = useLiveFarms(accountId);
  const farms = useMemo(
    () => mergeLiveFarms(account?.farms ?? [], live, envFilter === ALL ? null : envFilter),
    [account, live, envFilter],
  );
  const base = `/accounts/${accountId}/farms`;

  return (
    <>
      <ListPage
        title="Farms"
        description="Groups of servers per environment, with their roles, servers and variables."
        actions={
          <>
            <LiveBadge failed={Boolean(liveError)} hint="Status changes and approval decisions appear without reloading" />
            {canAct && (
              <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)} disabled={envOptions.length === 0}>
                New farm
              </Button>
            )}
          </>
        }
        filters={
          <FilterBar label="Filter farms">
            <Select
              aria-label="Environment"
              data={[{ value: ALL, label: 'All environments' }, ...envOptions]}
              value={envFilter}
              onChange={(v) => setPicked(v ?? ALL)}
              allowDeselect={false}
              w={220}
              comboboxProps={{ withinPortal: true }}
            />
          </FilterBar>
        }
        notice={<LiveError error={liveError} />}
        state={queryListState(query, farms, !account && 'Account not found')}
        what="farms"
        empty={{
          icon: <IconServer2 size={24} />,
          title: envFilter === ALL ? 'No farms yet' : 'No farms in this environment',
          body: 'Farms are groups of servers, reported through the API by whatever provisions them. Their lifecycle events (launch, terminate…) can be sent to webhooks.',
          action: envFilter !== ALL && (
            <Button variant="light" onClick={() => setPicked(ALL)}>
              Show all environments
            </Button>
          ),
        }}
      >
        <Table.ScrollContainer minWidth={760}>
          <Table verticalSpacing="sm" highlightOnHover aria-label="Farms">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th w={170}>Status</Table.Th>
                <Table.Th w={150}>Environment</Table.Th>
                <Table.Th w={90}>Roles</Table.Th>
                <Table.Th w={90}>Servers</Table.Th>
                <Table.Th>Owner</Table.Th>
                <Table.Th w={130}>Updated</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {farms.map((f) => (
                <Table.Tr key={f.id} data-farm-id={f.id} data-status={f.status}>
                  <Table.Td>
                    <Anchor component={Link} to={`${base}/${f.id}`} fw={500} size="sm">
                      {f.name}
                    </Anchor>
                    {f.description && (
                      <Text size="xs" c="dimmed" lineClamp={1}>
                        {f.description}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <FarmStatusBadge value={f.status} launchedOnce={f.launchedOnce} />
                    {f.pendingApproval && (
                      <Text size="xs" c="dimmed" truncate maw={170}>
                        waiting for {f.pendingApproval.endpoint?.name ?? 'approval'}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{f.environment.name}</Text>
                  </Table.Td>
                  <Table.Td>{f.roles.length}</Table.Td>
                  <Table.Td>{f.servers.length}</Table.Td>
                  <Table.Td>
                    <Text size="sm">{f.ownerEmail || '—'}</Text>
                  </Table.Td>
                  <Table.Td>
                    <DateTime value={f.updatedAt} size="sm" />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </ListPage>
      {canAct && (
        <NewFarmModal
          opened={creating}
          onClose={() => setCreating(false)}
          environments={envOptions}
          defaultEnvironmentId={envFilter === ALL ? (currentEnv ?? null) : envFilter}
        />
      )}
    </>
  );
}
