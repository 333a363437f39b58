import { graphql } from '@/gql';

export const WebhookFields = graphql(`
  fragment WebhookFields on Webhook {
    id
    scope
    scopeId
    name
    events
    farmIds
    timeoutSeconds
    maxAttempts
    retrySchedule
    skipPrivateVariables
    userData
    active
    createdAt
    updatedAt
    endpoints {
      id
      name
      url
      active
    }
  }
`);

export const WebhooksQuery = graphql(`
  query Webhooks($scope: ScopeInput!) {
    webhooks(scope: $scope) {
      ...WebhookFields
    }
  }
`);

export const WebhookQuery = graphql(`
  query Webhook($id: ID!) {
    webhook(id: $id) {
      ...WebhookFields
    }
  }
`);

export const EventCatalogQuery = graphql(`
  query EventCatalog($accountId: ID!, $environmentId: ID) {
    account(id: $accountId) {
      id
      eventCatalog(environmentId: $environmentId) {
        name
        description
        category
        custom {
          id
          scope
        }
      }
    }
  }
`);

export const UsableEndpointsQuery = graphql(`
  query UsableEndpoints($scope: ScopeInput!) {
    usableEndpoints(scope: $scope) {
      id
      name
      url
      scope
      format
      active
      shared
    }
  }
`);

export const CreateWebhookMutation = graphql(`
  mutation CreateWebhook($input: CreateWebhookInput!) {
    createWebhook(input: $input) {
      webhook {
        ...WebhookFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const UpdateWebhookMutation = graphql(`
  mutation UpdateWebhook($input: UpdateWebhookInput!) {
    updateWebhook(input: $input) {
      webhook {
        ...WebhookFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const DeleteWebhookMutation = graphql(`
  mutation DeleteWebhook($input: WebhookIdInput!) {
    deleteWebhook(input: $input) {
      deletedId
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const CustomEventsQuery = graphql(`
  query CustomEvents($scope: ScopeInput!) {
    customEvents(scope: $scope) {
      id
      scope
      scopeId
      name
      description
      createdAt
    }
  }
`);

export const CreateCustomEventMutation = graphql(`
  mutation CreateCustomEvent($input: CreateCustomEventInput!) {
    createCustomEvent(input: $input) {
      customEvent {
        id
        name
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const DeleteCustomEventMutation = graphql(`
  mutation DeleteCustomEvent($input: DeleteCustomEventInput!) {
    deleteCustomEvent(input: $input) {
      deletedId
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const webhooksContext = { additionalTypenames: ['Webhook'] };
export const customEventsContext = { additionalTypenames: ['CustomEvent', 'EventDefinition'] };
