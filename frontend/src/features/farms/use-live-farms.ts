import { useSubscription } from 'urql';
import type { FarmDetailFieldsFragment } from '@/gql/graphql';
import { FarmChangedSubscription } from './api';

export type LiveFarm = FarmDetailFieldsFragment;

export interface LiveFarms {
  /** The latest version of every farm `farmChanged` reported, by id. */
  byId: Record<string, LiveFarm>;
  /** Ids in the order they were first reported. */
  order: string[];
  /** Bumped on every event. */
  seq: number;
}

const time = (iso: string) => new Date(iso).getTime();

/** Whichever of the two versions of a farm changed last (`b` on a tie: it arrived later). */
export function newerFarm<A extends { updatedAt: string }, B extends { updatedAt: string }>(a: A, b: B): A | B {
  return time(b.updatedAt) >= time(a.updatedAt) ? b : a;
}

/**
 * The account's farms as `farmChanged` pushes them (status changes, decided approvals, edits).
 * Pages merge these over what they loaded: a live event never refetches a query.
 */
export function useLiveFarms(accountId: string) {
  const [live] = useSubscription(
    { query: FarmChangedSubscription, variables: { accountId }, pause: !accountId },
    (prev: LiveFarms = { byId: {}, order: [], seq: 0 }, data): LiveFarms => {
      const f = data.farmChanged;
      const old = prev.byId[f.id];
      return {
        byId: { ...prev.byId, [f.id]: old ? newerFarm(old, f) : f },
        order: old ? prev.order : [...prev.order, f.id],
        seq: prev.seq + 1,
      };
    },
  );
  return { live: live.data ?? null, error: live.error };
}
