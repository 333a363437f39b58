import { graphql } from '@/gql';

export const ProfileQuery = graphql(`
  query Profile {
    me {
      authMethod
      user {
        id
        email
        name
        isSystemAdmin
        createdAt
        memberships {
          id
          role
          account {
            id
            name
          }
        }
        slackLinks {
          id
          accountId
          teamId
          slackUserId
          createdAt
        }
      }
    }
  }
`);

export const UpdateProfileMutation = graphql(`
  mutation UpdateProfile($input: UpdateProfileInput!) {
    updateProfile(input: $input) {
      user {
        id
        name
        email
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const ChangePasswordMutation = graphql(`
  mutation ChangePassword($input: ChangePasswordInput!) {
    changePassword(input: $input) {
      ok
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const UnlinkSlackUserMutation = graphql(`
  mutation UnlinkSlackUser($input: UnlinkSlackUserInput!) {
    unlinkSlackUser(input: $input) {
      deletedId
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const slackLinksContext = { additionalTypenames: ['SlackUserLink'] };
