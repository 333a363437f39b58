import { graphql } from '@/gql';

export const FarmsQuery = graphql(`
  query Farms($accountId: ID!, $environmentId: ID) {
    account(id: $accountId) {
      id
      myRole
      farms(environmentId: $environmentId) {
        id
        name
        description
        ownerEmail
        status
        launchedOnce
        updatedAt
        environment {
          id
          name
        }
        roles {
          id
        }
        servers {
          id
        }
        pendingApproval {
          id
          operation
          endpoint {
            id
            name
          }
        }
      }
    }
  }
`);

export const VariableFields = graphql(`
  fragment VariableFields on Variable {
    id
    scope
    scopeId
    name
    value
    hidden
    locked
    updatedAt
  }
`);

/** The approval request a farm waits for, or its latest decision. */
export const FarmApprovalFields = graphql(`
  fragment FarmApprovalFields on ApprovalRequest {
    id
    operation
    status
    message
    requestedBy
    decidedBy
    createdAt
    expiresAt
    decidedAt
    endpoint {
      id
      name
    }
  }
`);

/** Everything the farm page shows; `farmChanged` pushes the same selection. */
export const FarmDetailFields = graphql(`
  fragment FarmDetailFields on Farm {
    id
    accountId
    name
    description
    ownerEmail
    status
    launchedOnce
    hash
    launchedByEmail
    team
    projectId
    projectName
    projectBillingCode
    costCenterId
    costCenterName
    costCenterBillingCode
    createdAt
    updatedAt
    environment {
      id
      name
    }
    roles {
      id
      farmId
      alias
      roleName
      os
      imageId
      behaviors
      createdAt
    }
    servers {
      id
      farmRoleId
      hostname
      serverType
      cloudLocation
      cloudZone
      cloudServerId
      imageId
      publicIp
      privateIp
      status
      instanceIndex
      updatedAt
    }
    pendingApproval {
      ...FarmApprovalFields
    }
  }
`);

export const FarmQuery = graphql(`
  query Farm($id: ID!) {
    farm(id: $id) {
      ...FarmDetailFields
    }
  }
`);

/** Farms of the account as their status changes and approvals are decided. */
export const FarmChangedSubscription = graphql(`
  subscription FarmChanged($accountId: ID!) {
    farmChanged(accountId: $accountId) {
      ...FarmDetailFields
    }
  }
`);

/** The farm's newest approval request (pending or decided). */
export const FarmLatestApprovalQuery = graphql(`
  query FarmLatestApproval($accountId: ID!, $farmId: ID!) {
    account(id: $accountId) {
      id
      approvalRequests(filter: { farmId: $farmId }, first: 1) {
        edges {
          cursor
          node {
            ...FarmApprovalFields
          }
        }
      }
    }
  }
`);

export const CancelFarmApprovalMutation = graphql(`
  mutation CancelFarmApproval($input: CancelApprovalRequestInput!) {
    cancelApprovalRequest(input: $input) {
      approvalRequest {
        ...FarmApprovalFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const UpdateFarmMutation = graphql(`
  mutation UpdateFarm($input: UpdateFarmInput!) {
    updateFarm(input: $input) {
      farm {
        id
        name
        description
        ownerEmail
        team
        projectId
        projectName
        projectBillingCode
        costCenterId
        costCenterName
        costCenterBillingCode
        updatedAt
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const UpdateServerMutation = graphql(`
  mutation UpdateServer($input: UpdateServerInput!) {
    updateServer(input: $input) {
      server {
        id
        hostname
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

/** Events that can be fired about a farm or its servers: built-in farm/server ones and custom ones. */
export const FireableEventsQuery = graphql(`
  query FireableEvents($accountId: ID!, $environmentId: ID) {
    account(id: $accountId) {
      id
      eventCatalog(environmentId: $environmentId) {
        name
        description
        category
      }
    }
  }
`);

export const FireEventMutation = graphql(`
  mutation FireEvent($input: FireEventInput!) {
    fireEvent(input: $input) {
      event {
        id
        name
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const FarmStateFields = graphql(`
  fragment FarmStateFields on Farm {
    id
    status
    launchedOnce
    updatedAt
  }
`);

export const LaunchFarmMutation = graphql(`
  mutation LaunchFarm($input: FarmIdInput!) {
    launchFarm(input: $input) {
      farm {
        ...FarmStateFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const TerminateFarmMutation = graphql(`
  mutation TerminateFarm($input: FarmIdInput!) {
    terminateFarm(input: $input) {
      farm {
        ...FarmStateFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const SuspendFarmMutation = graphql(`
  mutation SuspendFarm($input: FarmIdInput!) {
    suspendFarm(input: $input) {
      farm {
        ...FarmStateFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const ResumeFarmMutation = graphql(`
  mutation ResumeFarm($input: FarmIdInput!) {
    resumeFarm(input: $input) {
      farm {
        ...FarmStateFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const CreateFarmMutation = graphql(`
  mutation CreateFarm($input: CreateFarmInput!) {
    createFarm(input: $input) {
      farm {
        id
        name
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const DeleteFarmMutation = graphql(`
  mutation DeleteFarm($input: FarmIdInput!) {
    deleteFarm(input: $input) {
      deletedId
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const CreateFarmRoleMutation = graphql(`
  mutation CreateFarmRole($input: CreateFarmRoleInput!) {
    createFarmRole(input: $input) {
      farmRole {
        id
        alias
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const CreateServerMutation = graphql(`
  mutation CreateServer($input: CreateServerInput!) {
    createServer(input: $input) {
      server {
        id
        hostname
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const DeleteServerMutation = graphql(`
  mutation DeleteServer($input: DeleteServerInput!) {
    deleteServer(input: $input) {
      deletedId
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const VariablesQuery = graphql(`
  query Variables($scope: ScopeInput!) {
    variables(scope: $scope) {
      ...VariableFields
    }
  }
`);

export const SetVariableMutation = graphql(`
  mutation SetVariable($input: SetVariableInput!) {
    setVariable(input: $input) {
      variable {
        ...VariableFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const DeleteVariableMutation = graphql(`
  mutation DeleteVariable($input: DeleteVariableInput!) {
    deleteVariable(input: $input) {
      deletedId
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const farmsContext = { additionalTypenames: ['Farm', 'FarmRole', 'Server'] };
export const farmApprovalContext = { additionalTypenames: ['ApprovalRequest', 'Farm'] };
export const variablesContext = { additionalTypenames: ['Variable'] };
