import { useMemo } from 'react';
import { useSubscription } from 'urql';
import type { DeliveryFilter, DeliveryListFieldsFragment } from '@/gql/graphql';
import { mergeById, useCursorList } from '@/lib/pagination';
import {
  DeliveriesQuery,
  DeliveryChangedSubscription,
  SystemDeliveriesQuery,
  SystemDeliveryChangedSubscription,
  deliveriesContext,
} from './api';
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

function reduceLive(prev: LiveState = { order: [], byId: {}, seq: 0, lastId: null }, d: Delivery): LiveState {
  return {
    order: prev.byId[d.id] ? prev.order : [d.id, ...prev.order],
    byId: { ...prev.byId, [d.id]: d },
    seq: prev.seq + 1,
    lastId: d.id,
  };
}

/**
 * The delivery history of an account, or (system) of the system scope: system webhooks' and
 * test events to system endpoints, for system administrators.
 */
export function useDeliveryFeed(accountId: string, filter: DeliveryFilter, system = false) {
  const variables = useMemo(() => ({ accountId, filter, first: PAGE_SIZE }), [accountId, filter]);
  const systemVariables = useMemo(() => ({ filter, first: PAGE_SIZE }), [filter]);
  const accountList = useCursorList({
    query: DeliveriesQuery,
    variables,
    select: (d) => d.account?.deliveries,
    context: deliveriesContext,
    pause: system,
  });
  const systemList = useCursorList({
    query: SystemDeliveriesQuery,
    variables: systemVariables,
    select: (d) => d.systemDeliveries,
    context: deliveriesContext,
    pause: !system,
  });
  const list = system ? systemList : accountList;
  const [accountLive] = useSubscription(
    { query: DeliveryChangedSubscription, variables: { accountId }, pause: system },
    (prev: LiveState | undefined, data): LiveState => reduceLive(prev, data.deliveryChanged),
  );
  const [systemLive] = useSubscription(
    { query: SystemDeliveryChangedSubscription, pause: !system },
    (prev: LiveState | undefined, data): LiveState => reduceLive(prev, data.systemDeliveryChanged),
  );
  const live = system ? systemLive : accountLive;
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
