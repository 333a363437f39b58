import { useMemo } from 'react';
import { useSubscription } from 'urql';
import type { DeliveryFilter, DeliveryListFieldsFragment } from '@/gql/graphql';
import { mergeById, useCursorList } from '@/lib/pagination';
import { DeliveriesQuery, DeliveryChangedSubscription, deliveriesContext } from './api';
import { deliveryMatches } from './filters';

export const PAGE_SIZE = 50;

type Delivery = DeliveryListFieldsFragment;

interface LiveState {
  order: string[];
  byId: Record<string, Delivery>;
  /** Bumped on every event, so dependants (the chart, the open drawer) can react. */
  seq: number;
  lastId: string | null;
}

export function applyLiveDeliveries(nodes: readonly Delivery[], live: LiveState, filter: DeliveryFilter): Delivery[] {
  const shown = new Set(nodes.map((n) => n.id));
  const fresh = live.order
    .filter((id) => !shown.has(id))
    .map((id) => live.byId[id])
    .filter((d) => d && deliveryMatches(d, filter))
    .sort((a, b) => new Date(b.createdAt).getTime() - new Date(a.createdAt).getTime());
  return mergeById(fresh, nodes).map((n) => live.byId[n.id] ?? n);
}

export function useDeliveryFeed(accountId: string, filter: DeliveryFilter) {
  const variables = useMemo(() => ({ accountId, filter, first: PAGE_SIZE }), [accountId, filter]);
  const list = useCursorList({
    query: DeliveriesQuery,
    variables,
    select: (d) => d.account?.deliveries,
    context: deliveriesContext,
  });
  const [live] = useSubscription(
    { query: DeliveryChangedSubscription, variables: { accountId } },
    (prev: LiveState = { order: [], byId: {}, seq: 0, lastId: null }, data): LiveState => {
      const d = data.deliveryChanged;
      return {
        order: prev.byId[d.id] ? prev.order : [d.id, ...prev.order],
        byId: { ...prev.byId, [d.id]: d },
        seq: prev.seq + 1,
        lastId: d.id,
      };
    },
  );
  const state = live.data;
  const deliveries = useMemo(() => (state ? applyLiveDeliveries(list.nodes, state, filter) : list.nodes), [list.nodes, state, filter]);
  const liveNew = useMemo(() => {
    const shown = new Set(list.nodes.map((n) => n.id));
    return new Set((state?.order ?? []).filter((id) => !shown.has(id)));
  }, [list.nodes, state]);
  return {
    ...list,
    deliveries,
    liveNew,
    liveSeq: state?.seq ?? 0,
    lastChangedId: state?.lastId ?? null,
    liveError: live.error,
  };
}
