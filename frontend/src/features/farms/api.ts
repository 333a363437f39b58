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

export const FarmQuery = graphql(`
  query Farm($id: ID!) {
    farm(id: $id) {
      id
      accountId
      name
      description
      ownerEmail
      status
      launchedOnce
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
        publicIp
        privateIp
        status
        instanceIndex
        updatedAt
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
        code
        field
        message
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
        code
        field
        message
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
        code
        field
        message
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
        code
        field
        message
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
        code
        field
        message
      }
    }
  }
`);

export const DeleteFarmMutation = graphql(`
  mutation DeleteFarm($input: FarmIdInput!) {
    deleteFarm(input: $input) {
      deletedId
      errors {
        code
        field
        message
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
        code
        field
        message
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
        code
        field
        message
      }
    }
  }
`);

export const DeleteServerMutation = graphql(`
  mutation DeleteServer($input: DeleteServerInput!) {
    deleteServer(input: $input) {
      deletedId
      errors {
        code
        field
        message
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
        code
        field
        message
      }
    }
  }
`);

export const DeleteVariableMutation = graphql(`
  mutation DeleteVariable($input: DeleteVariableInput!) {
    deleteVariable(input: $input) {
      deletedId
      errors {
        code
        field
        message
      }
    }
  }
`);

export const farmsContext = { additionalTypenames: ['Farm', 'FarmRole', 'Server'] };
export const variablesContext = { additionalTypenames: ['Variable'] };
