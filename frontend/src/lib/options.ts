import { useMemo } from 'react';
import { useQuery } from 'urql';
import { graphql } from '@/gql';

// Small lists several features offer in selects. Each feature owns its pages; these are the
// shared pick-lists.

export const ComponentOptionsQuery = graphql(`
  query ComponentOptions($accountId: ID!) {
    account(id: $accountId) {
      id
      components {
        id
        name
        group
      }
    }
  }
`);

export const EnvironmentOptionsQuery = graphql(`
  query EnvironmentOptions($accountId: ID!) {
    account(id: $accountId) {
      id
      environments {
        id
        name
      }
    }
  }
`);

export const FarmOptionsQuery = graphql(`
  query FarmOptions($accountId: ID!, $environmentId: ID) {
    account(id: $accountId) {
      id
      farms(environmentId: $environmentId) {
        id
        name
        environment {
          id
          name
        }
      }
    }
  }
`);

const componentsContext = { additionalTypenames: ['Component'] };
const environmentsContext = { additionalTypenames: ['Environment'] };
const farmsContext = { additionalTypenames: ['Farm'] };

/** The account's components as select options, grouped by their group. */
export function useComponentOptions(accountId: string) {
  const [{ data, fetching }] = useQuery({
    query: ComponentOptionsQuery,
    variables: { accountId },
    context: componentsContext,
    pause: !accountId,
  });
  return useMemo(() => {
    const components = data?.account?.components ?? [];
    const groups = new Map<string, { value: string; label: string }[]>();
    for (const c of components) {
      const g = c.group || 'Ungrouped';
      if (!groups.has(g)) groups.set(g, []);
      groups.get(g)!.push({ value: c.id, label: c.name });
    }
    const grouped = [...groups.entries()].map(([group, items]) => ({ group, items }));
    return { components, options: grouped, loaded: data !== undefined, fetching };
  }, [data, fetching]);
}

export function useEnvironmentOptions(accountId: string) {
  const [{ data, fetching }] = useQuery({
    query: EnvironmentOptionsQuery,
    variables: { accountId },
    context: environmentsContext,
    pause: !accountId,
  });
  return useMemo(() => {
    const environments = data?.account?.environments ?? [];
    return {
      environments,
      options: environments.map((e) => ({ value: e.id, label: e.name })),
      loaded: data !== undefined,
      fetching,
    };
  }, [data, fetching]);
}

export function useFarmOptions(accountId: string, environmentId?: string | null) {
  const [{ data, fetching }] = useQuery({
    query: FarmOptionsQuery,
    variables: { accountId, environmentId: environmentId ?? null },
    context: farmsContext,
    pause: !accountId,
  });
  return useMemo(() => {
    const farms = data?.account?.farms ?? [];
    return {
      farms,
      options: farms.map((f) => ({ value: f.id, label: environmentId ? f.name : `${f.name} (${f.environment.name})` })),
      loaded: data !== undefined,
      fetching,
    };
  }, [data, fetching, environmentId]);
}
