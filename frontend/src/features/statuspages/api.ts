import { graphql } from '@/gql';

export const StatusPageFields = graphql(`
  fragment StatusPageFields on StatusPage {
    id
    accountId
    name
    slug
    headline
    logoUrl
    brandColor
    supportUrl
    customHost
    visibility
    timeZone
    url
    subscriberCount
    components {
      group
      position
      displayName
      component {
        id
        name
        publicStatus
      }
    }
    updatedAt
  }
`);

export const StatusPagesQuery = graphql(`
  query StatusPages($accountId: ID!) {
    account(id: $accountId) {
      id
      myRole
      statusPages {
        id
        name
        slug
        visibility
        url
        customHost
        subscriberCount
      }
    }
  }
`);

export const StatusPageQuery = graphql(`
  query StatusPage($id: ID!) {
    statusPage(id: $id) {
      ...StatusPageFields
      viewers {
        id
        label
        tokenPrefix
        createdAt
        lastUsedAt
        revokedAt
      }
    }
  }
`);

/** The components a page can show, with the status customers read now. */
export const PageComponentOptionsQuery = graphql(`
  query PageComponentOptions($accountId: ID!) {
    account(id: $accountId) {
      id
      myRole
      components {
        id
        name
        group
        publicStatus
      }
    }
  }
`);


export const CreateStatusPageMutation = graphql(`
  mutation CreateStatusPage($input: CreateStatusPageInput!) {
    createStatusPage(input: $input) {
      statusPage {
        ...StatusPageFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const UpdateStatusPageMutation = graphql(`
  mutation UpdateStatusPage($input: UpdateStatusPageInput!) {
    updateStatusPage(input: $input) {
      statusPage {
        ...StatusPageFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const DeleteStatusPageMutation = graphql(`
  mutation DeleteStatusPage($id: ID!) {
    deleteStatusPage(id: $id) {
      deletedId
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const CreateViewerLinkMutation = graphql(`
  mutation CreateViewerLink($input: CreateViewerLinkInput!) {
    createViewerLink(input: $input) {
      url
      viewer {
        id
        label
        tokenPrefix
        createdAt
        lastUsedAt
        revokedAt
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const RevokeViewerLinkMutation = graphql(`
  mutation RevokeViewerLink($id: ID!) {
    revokeViewerLink(id: $id) {
      viewer {
        id
        revokedAt
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const ViewerCookieLinkMutation = graphql(`
  mutation ViewerCookieLink($pageId: ID!) {
    viewerCookieLink(pageId: $pageId) {
      url
    }
  }
`);

export const StatusSubscribersQuery = graphql(`
  query StatusSubscribers($id: ID!, $after: String) {
    statusPage(id: $id) {
      id
      subscriberCount
      subscribers(first: 50, after: $after) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          id
          kind
          address
          topics
          components {
            id
            name
          }
          createdAt
          confirmedAt
          lastError
        }
      }
    }
  }
`);

export const RemoveSubscriberMutation = graphql(`
  mutation RemoveSubscriber($id: ID!) {
    removeSubscriber(id: $id) {
      deletedId
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const statusPagesContext = { additionalTypenames: ['StatusPage', 'StatusPageViewer'] };
export const subscribersContext = { additionalTypenames: ['StatusSubscriber'] };
