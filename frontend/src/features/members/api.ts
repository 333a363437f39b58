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

export const InvitationFields = graphql(`
  fragment InvitationFields on Invitation {
    id
    email
    role
    invitedBy
    createdAt
    expiresAt
    sentAt
    status
  }
`);

export const InvitationsQuery = graphql(`
  query Invitations($accountId: ID!) {
    account(id: $accountId) {
      id
      invitations {
        ...InvitationFields
      }
    }
  }
`);

export const InviteMemberMutation = graphql(`
  mutation InviteMember($input: InviteMemberInput!) {
    inviteMember(input: $input) {
      invitation {
        ...InvitationFields
      }
      errors {
        code
        field
        message
      }
    }
  }
`);

export const ResendInvitationMutation = graphql(`
  mutation ResendInvitation($id: ID!) {
    resendInvitation(id: $id) {
      invitation {
        ...InvitationFields
      }
      errors {
        code
        field
        message
      }
    }
  }
`);

export const RevokeInvitationMutation = graphql(`
  mutation RevokeInvitation($id: ID!) {
    revokeInvitation(id: $id) {
      invitation {
        id
      }
      errors {
        code
        field
        message
      }
    }
  }
`);

export const invitationsContext = { additionalTypenames: ['Invitation'] };

export const membersContext = { additionalTypenames: ['Membership'] };
