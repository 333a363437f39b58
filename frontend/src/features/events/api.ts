import { graphql } from '@/gql';

export const EventListFields = graphql(`
  fragment EventListFields on Event {
    id
    name
    source
    environmentId
    farmId
    serverId
    incidentId
    createdAt
    deliveryCounts {
      succeeded
      pending
      failed
    }
  }
`);

export const EventsQuery = graphql(`
  query Events($accountId: ID!, $first: Int!, $after: String) {
    account(id: $accountId) {
      id
      myRole
      events(first: $first, after: $after) {
        edges {
          cursor
          node {
            ...EventListFields
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

export const EventQuery = graphql(`
  query Event($id: ID!) {
    event(id: $id) {
      ...EventListFields
      accountId
      variables {
        key
        value
      }
    }
  }
`);
