import { graphql } from '@/gql';

export const AccountsQuery = graphql(`
  query Accounts {
    accounts {
      id
      name
      myRole
    }
  }
`);

export const CreateAccountMutation = graphql(`
  mutation CreateAccount($input: CreateAccountInput!) {
    createAccount(input: $input) {
      account {
        id
        name
        myRole
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const UpdateAccountMutation = graphql(`
  mutation UpdateAccount($input: UpdateAccountInput!) {
    updateAccount(input: $input) {
      account {
        id
        name
        myRole
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

/** urql compares contexts by identity: keep this one object. */
export const accountsContext = { additionalTypenames: ['Account'] };
