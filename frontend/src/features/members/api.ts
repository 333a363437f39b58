import { graphql } from '@/gql';

export const MembersQuery = graphql(`
  query Members($accountId: ID!) {
    account(id: $accountId) {
      id
      name
      myRole
      members {
        id
        role
        createdAt
        user {
          id
          email
          name
        }
      }
    }
  }
`);

export const AddMemberMutation = graphql(`
  mutation AddMember($input: AddMemberInput!) {
    addMember(input: $input) {
      membership {
        id
        role
        createdAt
        user {
          id
          email
          name
        }
      }
      errors {
        code
        field
        message
      }
    }
  }
`);

export const UpdateMemberRoleMutation = graphql(`
  mutation UpdateMemberRole($input: UpdateMemberRoleInput!) {
    updateMemberRole(input: $input) {
      membership {
        id
        role
      }
      errors {
        code
        field
        message
      }
    }
  }
`);

export const RemoveMemberMutation = graphql(`
  mutation RemoveMember($input: RemoveMemberInput!) {
    removeMember(input: $input) {
      deletedId
      errors {
        code
        field
        message
      }
    }
  }
`);

export const membersContext = { additionalTypenames: ['Membership'] };
