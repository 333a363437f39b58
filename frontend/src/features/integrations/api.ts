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
      rejected
      lastMessageAt
      lastOutcome
    }
    recentMessages(first: 20) {
      messageId
      type
      outcome
      detail
      receivedAt
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
        code
        field
        message
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
        code
        field
        message
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
        code
        field
        message
      }
    }
  }
`);

export const DeleteIntegrationMutation = graphql(`
  mutation DeleteAwsIntegration($input: DeleteAwsIntegrationInput!) {
    deleteAwsIntegration(input: $input) {
      deletedId
      errors {
        code
        field
        message
      }
    }
  }
`);

export const integrationsContext = { additionalTypenames: ['AwsIntegration'] };
