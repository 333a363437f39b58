import { graphql } from '@/gql';

export const ApprovalListFields = graphql(`
  fragment ApprovalListFields on ApprovalRequest {
    id
    operation
    status
    message
    requestedBy
    decidedBy
    createdAt
    expiresAt
    decidedAt
    farm {
      id
      name
      status
    }
    endpoint {
      id
      name
      url
    }
  }
`);

export const ApprovalRequestsQuery = graphql(`
  query ApprovalRequests($accountId: ID!, $filter: ApprovalFilter, $first: Int!, $after: String) {
    account(id: $accountId) {
      id
      myRole
      approvalRequests(filter: $filter, first: $first, after: $after) {
        edges {
          cursor
          node {
            ...ApprovalListFields
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

export const ApprovalRequestQuery = graphql(`
  query ApprovalRequest($id: ID!) {
    approvalRequest(id: $id) {
      ...ApprovalListFields
      callbackBody
      delivery {
        id
        status
        attempts
        maxAttempts
        lastStatusCode
        lastError
        payload
        createdAt
        completedAt
        nextAttemptAt
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
  }
`);

/** Approvals change when farms do (a request opens, is decided, expires, is cancelled). */
export const ApprovalFarmChangedSubscription = graphql(`
  subscription ApprovalFarmChanged($accountId: ID!) {
    farmChanged(accountId: $accountId) {
      id
      status
      updatedAt
      pendingApproval {
        id
      }
    }
  }
`);

export const CancelApprovalRequestMutation = graphql(`
  mutation CancelApprovalRequest($input: CancelApprovalRequestInput!) {
    cancelApprovalRequest(input: $input) {
      approvalRequest {
        ...ApprovalListFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const approvalsContext = { additionalTypenames: ['ApprovalRequest'] };
