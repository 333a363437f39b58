import { graphql } from '@/gql';

export const EndpointFields = graphql(`
  fragment EndpointFields on Endpoint {
    id
    scope
    scopeId
    name
    url
    format
    active
    shared
    inactiveReason
    revealed
    headers {
      name
      value
    }
    keyRotation {
      inProgress
      rotatedAt
      overlapUntil
      signatureSwitchAt
      scalrUsesNewKey
    }
    rateLimit
    health {
      state
      reason
      since
      consecutiveFailures
      nextProbeAt
    }
    createdAt
    updatedAt
    webhooks {
      id
      name
    }
  }
`);

export const EndpointsQuery = graphql(`
  query Endpoints($scope: ScopeInput!) {
    endpoints(scope: $scope) {
      ...EndpointFields
    }
  }
`);

// signingKey is requested only by these two mutations; urql never caches mutation results.
export const CreateEndpointMutation = graphql(`
  mutation CreateEndpoint($input: CreateEndpointInput!) {
    createEndpoint(input: $input) {
      endpoint {
        ...EndpointFields
      }
      signingKey
      warnings
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const RotateEndpointKeyMutation = graphql(`
  mutation RotateEndpointKey($input: RotateEndpointKeyInput!) {
    rotateEndpointKey(input: $input) {
      endpoint {
        ...EndpointFields
      }
      signingKey
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const UpdateEndpointMutation = graphql(`
  mutation UpdateEndpoint($input: UpdateEndpointInput!) {
    updateEndpoint(input: $input) {
      endpoint {
        ...EndpointFields
      }
      warnings
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const FinishEndpointKeyRotationMutation = graphql(`
  mutation FinishEndpointKeyRotation($input: EndpointIdInput!) {
    finishEndpointKeyRotation(input: $input) {
      endpoint {
        ...EndpointFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const CancelEndpointKeyRotationMutation = graphql(`
  mutation CancelEndpointKeyRotation($input: EndpointIdInput!) {
    cancelEndpointKeyRotation(input: $input) {
      endpoint {
        ...EndpointFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const DeleteEndpointMutation = graphql(`
  mutation DeleteEndpoint($input: EndpointIdInput!) {
    deleteEndpoint(input: $input) {
      deletedId
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const SendTestEventMutation = graphql(`
  mutation SendTestEvent($input: EndpointIdInput!) {
    sendTestEvent(input: $input) {
      delivery {
        id
        accountId
        status
        attempts
        maxAttempts
        lastStatusCode
        lastError
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const TestDeliveryQuery = graphql(`
  query TestDelivery($id: ID!) {
    delivery(id: $id) {
      id
      accountId
      status
      attempts
      maxAttempts
      lastStatusCode
      lastError
      nextAttemptAt
      completedAt
    }
  }
`);

export const endpointsContext = { additionalTypenames: ['Endpoint'] };

export const ResumeEndpointMutation = graphql(`
  mutation ResumeEndpoint($input: EndpointIdInput!) {
    resumeEndpoint(input: $input) {
      endpoint {
        ...EndpointFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);
