import { graphql } from '@/gql';

export const ApiTokensQuery = graphql(`
  query ApiTokens($accountId: ID!) {
    account(id: $accountId) {
      id
      myRole
      apiTokens {
        id
        name
        prefix
        role
        status
        createdAt
        expiresAt
        lastUsedAt
        revokedAt
        createdBy {
          id
          name
          email
        }
      }
    }
  }
`);

// The secret is requested here and nowhere else; mutation results are not cached by urql.
export const CreateApiTokenMutation = graphql(`
  mutation CreateApiToken($input: CreateApiTokenInput!) {
    createApiToken(input: $input) {
      apiToken {
        id
        name
        prefix
        role
        status
        createdAt
        expiresAt
      }
      secret
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const RevokeApiTokenMutation = graphql(`
  mutation RevokeApiToken($input: RevokeApiTokenInput!) {
    revokeApiToken(input: $input) {
      apiToken {
        id
        status
        revokedAt
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const apiTokensContext = { additionalTypenames: ['ApiToken'] };
