import { graphql } from '@/gql';

export const DeliveryListFields = graphql(`
  fragment DeliveryListFields on Delivery {
    id
    accountId
    eventName
    status
    attempts
    maxAttempts
    nextAttemptAt
    lastStatusCode
    lastError
    createdAt
    completedAt
    event {
      id
      accountId
    }
    webhook {
      id
      name
    }
    endpoint {
      id
      name
      url
    }
  }
`);

export const DeliveriesQuery = graphql(`
  query Deliveries($accountId: ID!, $filter: DeliveryFilter, $first: Int!, $after: String) {
    account(id: $accountId) {
      id
      deliveries(filter: $filter, first: $first, after: $after) {
        edges {
          cursor
          node {
            ...DeliveryListFields
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

/** The system scope's history (system webhooks, test events to system endpoints). */
export const SystemDeliveriesQuery = graphql(`
  query SystemDeliveries($filter: DeliveryFilter, $first: Int!, $after: String) {
    systemDeliveries(filter: $filter, first: $first, after: $after) {
      edges {
        cursor
        node {
          ...DeliveryListFields
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const SystemDeliveryChangedSubscription = graphql(`
  subscription SystemDeliveryChanged {
    systemDeliveryChanged {
      ...DeliveryListFields
    }
  }
`);

export const DeliveryChangedSubscription = graphql(`
  subscription DeliveryChanged($accountId: ID!) {
    deliveryChanged(accountId: $accountId) {
      ...DeliveryListFields
    }
  }
`);

export const DeliveryQuery = graphql(`
  query Delivery($id: ID!) {
    delivery(id: $id) {
      ...DeliveryListFields
      payload
      attemptDetails {
        id
        number
        startedAt
        finishedAt
        durationMs
        url
        remoteAddr
        requestHeaders {
          key
          value
        }
        statusCode
        responseHeaders {
          key
          value
        }
        responseBody
        responseHidden
        errorClass
        errorMessage
      }
    }
  }
`);

export const DeliveryStatsQuery = graphql(`
  query DeliveryStats($accountId: ID!, $hours: Int!, $filter: DeliveryFilter) {
    account(id: $accountId) {
      id
      deliveryStats(hours: $hours, filter: $filter) {
        start
        succeeded
        failed
        pending
      }
    }
  }
`);

/** Webhooks and endpoints to filter by: the account's and those of one environment; event names. */
export const DeliveryFilterOptionsQuery = graphql(`
  query DeliveryFilterOptions($accountId: ID!, $account: ScopeInput!, $environment: ScopeInput!, $withEnvironment: Boolean!) {
    account(id: $accountId) {
      id
      eventCatalog {
        name
      }
    }
    accountWebhooks: webhooks(scope: $account) {
      id
      name
    }
    accountEndpoints: endpoints(scope: $account) {
      id
      name
    }
    environmentWebhooks: webhooks(scope: $environment) @include(if: $withEnvironment) {
      id
      name
    }
    environmentEndpoints: endpoints(scope: $environment) @include(if: $withEnvironment) {
      id
      name
    }
  }
`);

/** Filter options of the system scope: its webhooks and endpoints; event names. */
export const SystemDeliveryFilterOptionsQuery = graphql(`
  query SystemDeliveryFilterOptions($accountId: ID!) {
    account(id: $accountId) {
      id
      eventCatalog {
        name
      }
    }
    systemWebhooks: webhooks(scope: { scope: SYSTEM }) {
      id
      name
    }
    systemEndpoints: endpoints(scope: { scope: SYSTEM }) {
      id
      name
    }
  }
`);

export const ResendDeliveryMutation = graphql(`
  mutation ResendDelivery($input: ResendDeliveryInput!) {
    resendDelivery(input: $input) {
      delivery {
        ...DeliveryListFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const RetryFailedDeliveriesMutation = graphql(`
  mutation RetryFailedDeliveries($input: RetryFailedDeliveriesInput!) {
    retryFailedDeliveries(input: $input) {
      queued
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const DeliveryRetentionQuery = graphql(`
  query DeliveryRetention {
    deliveryRetentionDays
  }
`);

export const SetDeliveryRetentionMutation = graphql(`
  mutation SetDeliveryRetention($input: SetDeliveryRetentionInput!) {
    setDeliveryRetention(input: $input) {
      days
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const deliveriesContext = { additionalTypenames: ['Delivery'] };
