import { graphql } from '@/gql';

export const DeliveryListFields = graphql(`
  fragment DeliveryListFields on Delivery {
    id
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
  query DeliveryStats($accountId: ID!, $hours: Int!) {
    account(id: $accountId) {
      id
      deliveryStats(hours: $hours) {
        start
        succeeded
        failed
        pending
      }
    }
  }
`);

/** Webhooks and endpoints to filter by: the account's and those of one environment. */
export const DeliveryFilterOptionsQuery = graphql(`
  query DeliveryFilterOptions($account: ScopeInput!, $environment: ScopeInput!, $withEnvironment: Boolean!) {
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

export const ResendDeliveryMutation = graphql(`
  mutation ResendDelivery($input: ResendDeliveryInput!) {
    resendDelivery(input: $input) {
      delivery {
        ...DeliveryListFields
      }
      errors {
        code
        field
        message
      }
    }
  }
`);

export const RetryFailedDeliveriesMutation = graphql(`
  mutation RetryFailedDeliveries($input: RetryFailedDeliveriesInput!) {
    retryFailedDeliveries(input: $input) {
      queued
      errors {
        code
        field
        message
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
        code
        field
        message
      }
    }
  }
`);

export const deliveriesContext = { additionalTypenames: ['Delivery'] };
