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
    subject {
      kind
      id
      name
    }
    createdAt
    deliveryCounts {
      succeeded
      pending
      failed
    }
  }
`);

export const EventsQuery = graphql(`
  query Events($accountId: ID!, $filter: EventFilter, $first: Int!, $after: String) {
    account(id: $accountId) {
      id
      myRole
      events(filter: $filter, first: $first, after: $after) {
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

/** Event names to filter by: the built-in events and the account's custom ones. */
export const EventNamesQuery = graphql(`
  query EventNames($accountId: ID!) {
    account(id: $accountId) {
      id
      eventCatalog {
        name
      }
    }
  }
`);
