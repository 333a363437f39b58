import { graphql } from '@/gql';

export const AuditEntryFields = graphql(`
  fragment AuditEntryFields on AuditEntry {
    id
    action
    actorLabel
    targetType
    targetId
    summary
    createdAt
    actor {
      id
      name
      email
    }
  }
`);

export const ActivityQuery = graphql(`
  query Activity($accountId: ID!, $filter: AuditFilter, $first: Int!, $after: String) {
    account(id: $accountId) {
      id
      auditLog(filter: $filter, first: $first, after: $after) {
        edges {
          cursor
          node {
            ...AuditEntryFields
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

export const AccountActivitySubscription = graphql(`
  subscription AccountActivity($accountId: ID!) {
    accountActivity(accountId: $accountId) {
      ...AuditEntryFields
    }
  }
`);
