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

export const PolicyOptionsQuery = graphql(`
  query PolicyOptions($accountId: ID!) {
    account(id: $accountId) {
      id
      escalationPolicies {
        id
        name
      }
    }
  }
`);

export const MemberOptionsQuery = graphql(`
  query MemberOptions($accountId: ID!) {
    account(id: $accountId) {
      id
      members {
        id
        role
        user {
          id
          name
          email
        }
      }
    }
  }
`);

const componentsContext = { additionalTypenames: ['Component'] };
const environmentsContext = { additionalTypenames: ['Environment'] };
const policiesContext = { additionalTypenames: ['EscalationPolicy'] };
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

/** The account's escalation policies as select options. */
export function usePolicyOptions(accountId: string, pause = false) {
  const [{ data, fetching }] = useQuery({
    query: PolicyOptionsQuery,
    variables: { accountId },
    context: policiesContext,
    pause: !accountId || pause,
  });
  return useMemo(() => {
    const policies = data?.account?.escalationPolicies ?? [];
    return {
      policies,
      options: policies.map((p) => ({ value: p.id, label: p.name })),
      loaded: data !== undefined,
      fetching,
    };
  }, [data, fetching]);
}

/** The account's members as select options ("Ana Lima (ana@…)"). */
export function useMemberOptions(accountId: string, pause = false) {
  const [{ data, fetching }] = useQuery({
    query: MemberOptionsQuery,
    variables: { accountId },
    pause: !accountId || pause,
  });
  return useMemo(() => {
    const members = data?.account?.members ?? [];
    return {
      members,
      options: members.map((m) => ({ value: m.user.id, label: m.user.name ? `${m.user.name} (${m.user.email})` : m.user.email })),
      loaded: data !== undefined,
      fetching,
    };
  }, [data, fetching]);
}
