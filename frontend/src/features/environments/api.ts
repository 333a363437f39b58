import { graphql } from '@/gql';

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
        code
        field
        message
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
        code
        field
        message
      }
    }
  }
`);

export const DeleteEnvironmentMutation = graphql(`
  mutation DeleteEnvironment($input: DeleteEnvironmentInput!) {
    deleteEnvironment(input: $input) {
      deletedId
      errors {
        code
        field
        message
      }
    }
  }
`);

/** Lists must refetch after creates and deletes even when they were empty. */
export const environmentsContext = { additionalTypenames: ['Environment'] };
