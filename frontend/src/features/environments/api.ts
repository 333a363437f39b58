import { graphql } from '@/gql';

export const ApprovalSettingsFields = graphql(`
  fragment ApprovalSettingsFields on ApprovalSettings {
    onFirstLaunch
    onTerminate
    expiryMinutes
    endpoint {
      id
      name
      format
      active
    }
  }
`);

export const EnvironmentsQuery = graphql(`
  query Environments($accountId: ID!) {
    account(id: $accountId) {
      id
      myRole
      environments {
        id
        accountId
        name
        description
        createdAt
        approvalSettings {
          ...ApprovalSettingsFields
        }
      }
    }
  }
`);

export const CreateEnvironmentMutation = graphql(`
  mutation CreateEnvironment($input: CreateEnvironmentInput!) {
    createEnvironment(input: $input) {
      environment {
        id
        accountId
        name
        description
        createdAt
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const UpdateEnvironmentMutation = graphql(`
  mutation UpdateEnvironment($input: UpdateEnvironmentInput!) {
    updateEnvironment(input: $input) {
      environment {
        id
        accountId
        name
        description
        createdAt
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const DeleteEnvironmentMutation = graphql(`
  mutation DeleteEnvironment($input: DeleteEnvironmentInput!) {
    deleteEnvironment(input: $input) {
      deletedId
      errors {
        ...UserErrorFields
      }
    }
  }
`);

/** Endpoints an environment's approvals may use: its own and shared ones of its account. */
export const ApprovalEndpointOptionsQuery = graphql(`
  query ApprovalEndpointOptions($scope: ScopeInput!, $accountScope: ScopeInput!) {
    usableEndpoints(scope: $scope) {
      id
      name
      url
      scope
      format
      active
      shared
    }
    accountEndpoints: endpoints(scope: $accountScope) {
      id
      name
      format
      shared
    }
  }
`);

export const SetEnvironmentApprovalsMutation = graphql(`
  mutation SetEnvironmentApprovals($input: SetEnvironmentApprovalsInput!) {
    setEnvironmentApprovals(input: $input) {
      environment {
        id
        approvalSettings {
          ...ApprovalSettingsFields
        }
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

/** Lists must refetch after creates and deletes even when they were empty. */
export const environmentsContext = { additionalTypenames: ['Environment'] };
