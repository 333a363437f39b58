import { useMemo } from 'react';
import { useSubscription } from 'urql';
import type { IncidentFilter, IncidentListFieldsFragment } from '@/gql/graphql';
import { mergeById, useCursorList } from '@/lib/pagination';
import { IncidentChangedSubscription, IncidentsQuery, incidentsContext } from './api';
import { matchesFilter } from './filters';

export const PAGE_SIZE = 25;

type Incident = IncidentListFieldsFragment;

interface LiveState {
  /** Ids of incidents opened since the page loaded, newest first. */
  opened: string[];
  /** The latest version of every incident the feed reported. */
  byId: Record<string, Incident>;
  /** Each live-opened incident as it was when it opened: it stays listed if it matched then. */
  openedAs: Record<string, Incident>;
}

const newer = (a: Incident, b: Incident) => (new Date(b.updatedAt).getTime() > new Date(a.updatedAt).getTime() ? b : a);

/** Merges the live feed into the paginated list: new incidents on top, changes in place. */
export function applyLive(nodes: readonly Incident[], live: LiveState, filter: IncidentFilter): Incident[] {
  const fresh = live.opened
    .filter((id) => live.openedAs[id] && matchesFilter(live.openedAs[id], filter))
    .map((id) => live.byId[id]);
  return mergeById(fresh, nodes).map((n) => {
    const l = live.byId[n.id];
    return l ? newer(n, l) : n;
  });
}

/** The account's incidents matching `filter`, newest first, kept live by `incidentChanged`. */
export function useIncidentFeed(accountId: string, filter: IncidentFilter) {
  const variables = useMemo(() => ({ accountId, filter, first: PAGE_SIZE }), [accountId, filter]);
  const list = useCursorList({
    query: IncidentsQuery,
    variables,
    select: (d) => d.account?.incidents,
    context: incidentsContext,
  });
  const [live] = useSubscription(
    { query: IncidentChangedSubscription, variables: { accountId } },
    (prev: LiveState = { opened: [], byId: {}, openedAs: {} }, data): LiveState => {
      const { kind, incident } = data.incidentChanged;
      const prevOne = prev.byId[incident.id];
      const isNew = kind === 'OPENED' && !prev.opened.includes(incident.id);
      return {
        opened: isNew ? [incident.id, ...prev.opened] : prev.opened,
        byId: { ...prev.byId, [incident.id]: prevOne ? newer(prevOne, incident) : incident },
        openedAs: isNew ? { ...prev.openedAs, [incident.id]: incident } : prev.openedAs,
      };
    },
  );
  const liveState = live.data;
  const incidents = useMemo(
    () => (liveState ? applyLive(list.nodes, liveState, filter) : list.nodes),
    [list.nodes, liveState, filter],
  );
  const liveIds = useMemo(() => new Set(liveState?.opened ?? []), [liveState]);
  return {
    ...list,
    incidents,
    liveIds,
    accountFound: list.data ? list.data.account !== null : true,
    liveError: live.error,
  };
}
