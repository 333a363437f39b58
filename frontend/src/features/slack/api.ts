import { graphql } from '@/gql';

export const SlackWorkspaceQuery = graphql(`
  query SlackWorkspace($accountId: ID!) {
    account(id: $accountId) {
      id
      myRole
      slackWorkspace {
        connected
        teamId
        teamName
        botUserId
        connectedBy
        connectedAt
        manifest
        interactivityUrl
        commandsUrl
      }
    }
  }
`);

export const ConnectSlackWorkspaceMutation = graphql(`
  mutation ConnectSlackWorkspace($input: ConnectSlackWorkspaceInput!) {
    connectSlackWorkspace(input: $input) {
      slack {
        connected
        teamId
        teamName
        botUserId
        connectedBy
        connectedAt
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const DisconnectSlackWorkspaceMutation = graphql(`
  mutation DisconnectSlackWorkspace($input: DisconnectSlackWorkspaceInput!) {
    disconnectSlackWorkspace(input: $input) {
      slack {
        connected
        teamId
        teamName
        botUserId
        connectedBy
        connectedAt
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const LinkSlackUserMutation = graphql(`
  mutation LinkSlackUser($input: LinkSlackUserInput!) {
    linkSlackUser(input: $input) {
      link {
        id
        accountId
        teamId
        slackUserId
        createdAt
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);
