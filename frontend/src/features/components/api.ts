import { graphql } from '@/gql';

export const ComponentFields = graphql(`
  fragment ComponentFields on Component {
    id
    accountId
    name
    description
    group
    status
    statusOverride
    openIncidentCount
    escalationPolicy {
      id
      name
    }
    slackChannel
    createdAt
    updatedAt
  }
`);

export const ComponentsQuery = graphql(`
  query Components($accountId: ID!) {
    account(id: $accountId) {
      id
      myRole
      components {
        ...ComponentFields
      }
    }
  }
`);

export const CreateComponentMutation = graphql(`
  mutation CreateComponent($input: CreateComponentInput!) {
    createComponent(input: $input) {
      component {
        ...ComponentFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const UpdateComponentMutation = graphql(`
  mutation UpdateComponent($input: UpdateComponentInput!) {
    updateComponent(input: $input) {
      component {
        ...ComponentFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const DeleteComponentMutation = graphql(`
  mutation DeleteComponent($input: DeleteComponentInput!) {
    deleteComponent(input: $input) {
      deletedId
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const SetComponentSlackChannelMutation = graphql(`
  mutation SetComponentSlackChannel($input: SetComponentSlackChannelInput!) {
    setComponentSlackChannel(input: $input) {
      component {
        ...ComponentFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const componentsContext = { additionalTypenames: ['Component'] };

export const ComponentStatusPageQuery = graphql(`
  query ComponentStatusPage($id: ID!, $source: UptimeSource!) {
    component(id: $id) {
      id
      name
      publicStatus
      autoPublish
      autoPublishAfterMinutes
      uptime(days: 90, source: $source) {
        percent
        days {
          date
          percent
          worst
        }
      }
    }
  }
`);

export const SetComponentAutoPublishMutation = graphql(`
  mutation SetComponentAutoPublish($input: SetComponentAutoPublishInput!) {
    setComponentAutoPublish(input: $input) {
      component {
        id
        autoPublish
        autoPublishAfterMinutes
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);
