import { graphql } from '@/gql';

export const IntegrationListFields = graphql(`
  fragment IntegrationListFields on AwsIntegration {
    id
    name
    state
    defaultSeverity
    tokenPrefix
    expectedTopicArn
    topicArn
    lastRejectionReason
    lastRejectionAt
    createdAt
    component {
      id
      name
    }
    stats {
      opened
      resolved
      rejected
      lastMessageAt
      lastOutcome
    }
  }
`);

export const IntegrationsQuery = graphql(`
  query AwsIntegrations($accountId: ID!) {
    account(id: $accountId) {
      id
      myRole
      awsIntegrations {
        ...IntegrationListFields
      }
    }
  }
`);

export const IntegrationRouteFields = graphql(`
  fragment IntegrationRouteFields on IntegrationRoute {
    id
    position
    name
    conditions {
      field
      dimension
      op
      value
    }
    component {
      id
      name
    }
    severity
    escalationPolicyId
  }
`);

export const IntegrationDetailFields = graphql(`
  fragment IntegrationDetailFields on AwsIntegration {
    id
    accountId
    name
    state
    defaultSeverity
    tokenPrefix
    expectedTopicArn
    topicArn
    subscriptionArn
    confirmedAt
    unsubscribedAt
    lastRejectionReason
    lastRejectionAt
    createdAt
    component {
      id
      name
    }
    escalationPolicy {
      id
      name
    }
    stats {
      opened
      resolved
      noChange
      outOfOrder
      ignored
      confirmations
      tests
      rejected
      lastMessageAt
      lastOutcome
    }
    routes {
      ...IntegrationRouteFields
    }
    recentMessages(first: 20) {
      messageId
      type
      outcome
      detail
      receivedAt
      alarmName
      incident {
        id
        title
        isTest
      }
      route {
        id
        name
      }
    }
    recentRejections(first: 20) {
      id
      reasonCode
      reason
      messageType
      topicArn
      receivedAt
    }
  }
`);

export const IntegrationQuery = graphql(`
  query AwsIntegration($id: ID!) {
    awsIntegration(id: $id) {
      ...IntegrationDetailFields
    }
  }
`);

// webhookUrl is requested here and nowhere else; urql does not cache mutation results.
export const CreateIntegrationMutation = graphql(`
  mutation CreateAwsIntegration($input: CreateAwsIntegrationInput!) {
    createAwsIntegration(input: $input) {
      integration {
        ...IntegrationListFields
      }
      webhookUrl
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const RotateIntegrationUrlMutation = graphql(`
  mutation RotateAwsIntegrationUrl($input: RotateAwsIntegrationUrlInput!) {
    rotateAwsIntegrationUrl(input: $input) {
      integration {
        ...IntegrationDetailFields
      }
      webhookUrl
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const UpdateIntegrationMutation = graphql(`
  mutation UpdateAwsIntegration($input: UpdateAwsIntegrationInput!) {
    updateAwsIntegration(input: $input) {
      integration {
        ...IntegrationDetailFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const DeleteIntegrationMutation = graphql(`
  mutation DeleteAwsIntegration($input: DeleteAwsIntegrationInput!) {
    deleteAwsIntegration(input: $input) {
      deletedId
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const SetIntegrationRoutesMutation = graphql(`
  mutation SetIntegrationRoutes($input: SetIntegrationRoutesInput!) {
    setIntegrationRoutes(input: $input) {
      integration {
        ...IntegrationDetailFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

/** Unsaved rules against the integration's last messages (a query: it changes nothing). */
export const TryIntegrationRoutesQuery = graphql(`
  query TryIntegrationRoutes($input: SetIntegrationRoutesInput!, $first: Int) {
    tryIntegrationRoutes(input: $input, first: $first) {
      trials {
        message {
          messageId
          receivedAt
          alarmName
        }
        facts {
          alarmName
        }
        matchedIndex
        component {
          id
          name
        }
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const SendTestAlarmMutation = graphql(`
  mutation SendTestAlarm($input: SendTestAlarmInput!) {
    sendTestAlarm(input: $input) {
      incident {
        id
        title
        status
        isTest
        openedAt
        resolvedAt
        component {
          id
          name
        }
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const AccountEndpointOptionsQuery = graphql(`
  query AccountEndpointOptions($scope: ScopeInput!) {
    endpoints(scope: $scope) {
      id
      name
      url
      active
    }
  }
`);

export const integrationsContext = { additionalTypenames: ['AwsIntegration'] };
