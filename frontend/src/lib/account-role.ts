import { useQuery } from 'urql';
import { graphql } from '@/gql';

export const AccountRoleQuery = graphql(`
  query AccountRole($id: ID!) {
    account(id: $id) {
      id
      name
      myRole
    }
  }
`);

/** The caller's role in an account (null while loading or when the account is not visible). */
export function useAccountRole(accountId: string) {
  const [{ data, fetching, error }, refetch] = useQuery({
    query: AccountRoleQuery,
    variables: { id: accountId },
    pause: !accountId,
  });
  return {
    account: data?.account ?? null,
    role: data?.account?.myRole ?? null,
    loaded: data !== undefined,
    fetching,
    error,
    refetch,
  };
}
