import { Anchor, MultiSelect, Select, Table, Text, Tooltip } from '@mantine/core';
import { IconGavel } from '@tabler/icons-react';
import { useEffect, useMemo } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useSubscription } from 'urql';
import { ApprovalStatusBadge, APPROVAL_STATUS, options } from '@/components/badges';
import { DateTime } from '@/components/DateTime';
import { ClearFiltersButton, FilterBar } from '@/components/FilterBar';
import { ListPage } from '@/components/ListPage';
import { LiveBadge, LiveError } from '@/components/LiveBadge';
import type { ApprovalStatus } from '@/gql/graphql';
import { useFarmOptions } from '@/lib/options';
import { useCursorList } from '@/lib/pagination';
import { useUrlFilter } from '@/lib/url-filter';
import { ApprovalFarmChangedSubscription, ApprovalRequestsQuery, approvalsContext } from './api';
import {
  approvalFilterActive,
  NO_APPROVAL_FILTER,
  operationLabel,
  parseApprovalFilter,
  toApprovalFilter,
  writeApprovalFilter,
} from './filters';

export const PAGE_SIZE = 25;

function who(by: string, at: string | null | undefined, empty = '—') {
  if (!at) {
    return (
      <Text size="sm" c="dimmed">
        {empty}
      </Text>
    );
  }
  return (
    <>
      <DateTime value={at} size="sm" />
      <Text size="xs" c="dimmed" lineClamp={2} maw={200} title={by}>
        by {by || 'someone'}
      </Text>
    </>
  );
}

export default function ApprovalsPage() {
  const { accountId = '' } = useParams();
  const navigate = useNavigate();
  const [state, setState] = useUrlFilter(parseApprovalFilter, writeApprovalFilter);
  const filter = useMemo(() => toApprovalFilter(state), [state]);
  const variables = useMemo(() => ({ accountId, filter, first: PAGE_SIZE }), [accountId, filter]);
  const list = useCursorList({
    query: ApprovalRequestsQuery,
    variables,
    select: (d) => d.account?.approvalRequests,
    context: approvalsContext,
  });
  const { options: farmOptions } = useFarmOptions(accountId);

  // A farm changed (a request opened, was decided, expired or cancelled): reload the first page.
  const [live] = useSubscription(
    { query: ApprovalFarmChangedSubscription, variables: { accountId } },
    (prev: number = 0) => prev + 1,
  );
  const { refetch } = list;
  useEffect(() => {
    if (live.data) refetch();
  }, [live.data, refetch]);

  const base = `/accounts/${accountId}`;
  const filtered = approvalFilterActive(state);

  return (
    <ListPage
      title="Approvals"
      description="Requests to approval endpoints before farms launch for the first time or terminate, newest first."
      actions={<LiveBadge failed={Boolean(live.error)} hint="New requests and decisions appear without reloading" />}
      filters={
        <FilterBar label="Filter approval requests" active={filtered} onClear={() => setState(NO_APPROVAL_FILTER)}>
          <Select
            label="Farm"
            placeholder="All farms"
            data={farmOptions}
            value={state.farmId}
            onChange={(v) => setState({ ...state, farmId: v })}
            clearable
            searchable
            w={260}
            comboboxProps={{ withinPortal: true }}
          />
          <MultiSelect
            label="Status"
            placeholder={state.statuses.length ? undefined : 'Any status'}
            data={options(APPROVAL_STATUS)}
            value={state.statuses}
            onChange={(v) => setState({ ...state, statuses: v as ApprovalStatus[] })}
            clearable
            w={320}
            comboboxProps={{ withinPortal: true }}
          />
        </FilterBar>
      }
      notice={<LiveError error={live.error} />}
      state={{
        loaded: list.loaded,
        error: list.error,
        refetch: list.refetch,
        missing: list.data?.account === null && 'Account not found',
        empty: list.nodes.length === 0,
      }}
      pager={list}
      what="approval requests"
      empty={{
        icon: <IconGavel size={24} />,
        title: filtered ? 'No approval requests match' : 'No approval requests yet',
        body: filtered
          ? 'Try other filters.'
          : 'When an environment requires approval, launching or terminating its farms asks the approval endpoint first. Each request is listed here.',
        action: filtered && <ClearFiltersButton variant="light" onClear={() => setState(NO_APPROVAL_FILTER)} />,
      }}
    >
      <Table.ScrollContainer minWidth={1080}>
        <Table verticalSpacing="sm" highlightOnHover aria-label="Approval requests" data-testid="approvals-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={100}>Operation</Table.Th>
              <Table.Th>Farm</Table.Th>
              <Table.Th w={130}>Status</Table.Th>
              <Table.Th>Endpoint</Table.Th>
              <Table.Th>Message</Table.Th>
              <Table.Th w={160}>Requested</Table.Th>
              <Table.Th w={200}>Decided</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.nodes.map((r) => (
              <Table.Tr
                key={r.id}
                data-approval-id={r.id}
                data-status={r.status}
                onClick={() => navigate(`${base}/approvals/${r.id}`)}
                style={{ cursor: 'pointer' }}
              >
                <Table.Td>
                  <Anchor
                    component={Link}
                    to={`${base}/approvals/${r.id}`}
                    size="sm"
                    fw={500}
                    onClick={(e) => e.stopPropagation()}
                    aria-label={`Open the ${operationLabel(r.operation).toLowerCase()} request of ${r.farm?.name ?? 'a deleted farm'}`}
                  >
                    {operationLabel(r.operation)}
                  </Anchor>
                </Table.Td>
                <Table.Td>
                  {r.farm ? (
                    <Anchor component={Link} to={`${base}/farms/${r.farm.id}`} size="sm" onClick={(e) => e.stopPropagation()}>
                      {r.farm.name}
                    </Anchor>
                  ) : (
                    <Text size="sm" c="dimmed">
                      (deleted)
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <ApprovalStatusBadge value={r.status} />
                </Table.Td>
                <Table.Td>
                  <Tooltip label={r.endpoint?.url ?? ''} disabled={!r.endpoint}>
                    <Text size="sm">{r.endpoint?.name ?? '(deleted)'}</Text>
                  </Tooltip>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" lineClamp={2} data-testid="approval-message" c={r.message ? undefined : 'dimmed'}>
                    {r.message || '—'}
                  </Text>
                </Table.Td>
                <Table.Td>{who(r.requestedBy, r.createdAt)}</Table.Td>
                <Table.Td>
                  {r.status === 'PENDING' ? (
                    <Text size="sm" c="dimmed">
                      expires <DateTime value={r.expiresAt} size="sm" />
                    </Text>
                  ) : (
                    who(r.decidedBy, r.decidedAt)
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </ListPage>
  );
}
