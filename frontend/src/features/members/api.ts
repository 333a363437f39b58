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
        ...UserErrorFields
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
        ...UserErrorFields
      }
    }
  }
`);

export const RemoveMemberMutation = graphql(`
  mutation RemoveMember($input: RemoveMemberInput!) {
    removeMember(input: $input) {
      deletedId
      errors {
        ...UserErrorFields
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
        ...UserErrorFields
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
        ...UserErrorFields
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
        ...UserErrorFields
      }
    }
  }
`);

export const invitationsContext = { additionalTypenames: ['Invitation'] };

export const membersContext = { additionalTypenames: ['Membership'] };
