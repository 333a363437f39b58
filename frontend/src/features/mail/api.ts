import { graphql } from '@/gql';

export const OutgoingMailQuery = graphql(`
  query OutgoingMail($accountId: ID!, $first: Int!, $after: String) {
    account(id: $accountId) {
      id
      mailSending
      outgoingMail(first: $first, after: $after) {
        edges {
          cursor
          node {
            id
            kind
            to
            subject
            textBody
            status
            attempts
            lastError
            providerAnswer
            createdAt
            sentAt
            nextAttemptAt
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`);
