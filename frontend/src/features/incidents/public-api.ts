import { graphql } from '@/gql';

// What customers read about an incident: the public incident, its updates, the postmortem, and
// the account's update templates (docs/statuspages.md "Public incidents").

export const PublicIncidentFields = graphql(`
  fragment PublicIncidentFields on PublicIncident {
    id
    title
    status
    impact
    auto
    postmortem
    postmortemPublishedAt
    createdAt
    resolvedAt
    components {
      status
      component {
        id
        name
      }
    }
    updates {
      id
      status
      message
      author
      createdAt
      editedAt
      notifySubscribers
      components {
        status
        component {
          id
          name
        }
      }
    }
    pages {
      id
      name
      url
    }
  }
`);

export const IncidentPublicQuery = graphql(`
  query IncidentPublic($id: ID!) {
    incident(id: $id) {
      id
      isTest
      publicIncident {
        ...PublicIncidentFields
      }
    }
  }
`);

export const UpdateTemplateFields = graphql(`
  fragment UpdateTemplateFields on UpdateTemplate {
    id
    name
    title
    status
    message
  }
`);

export const UpdateTemplatesQuery = graphql(`
  query UpdateTemplates($accountId: ID!) {
    account(id: $accountId) {
      id
      updateTemplates {
        ...UpdateTemplateFields
      }
    }
  }
`);

export const PostIncidentUpdateMutation = graphql(`
  mutation PostIncidentUpdate($input: PostIncidentUpdateInput!) {
    postIncidentUpdate(input: $input) {
      publicIncident {
        ...PublicIncidentFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const EditIncidentUpdateMutation = graphql(`
  mutation EditIncidentUpdate($input: EditIncidentUpdateInput!) {
    editIncidentUpdate(input: $input) {
      publicIncident {
        ...PublicIncidentFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const SetPostmortemMutation = graphql(`
  mutation SetPostmortem($input: SetPostmortemInput!) {
    setPostmortem(input: $input) {
      publicIncident {
        ...PublicIncidentFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const SaveUpdateTemplateMutation = graphql(`
  mutation SaveUpdateTemplate($input: UpdateTemplateInput!) {
    saveUpdateTemplate(input: $input) {
      template {
        ...UpdateTemplateFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const DeleteUpdateTemplateMutation = graphql(`
  mutation DeleteUpdateTemplate($id: ID!) {
    deleteUpdateTemplate(id: $id) {
      deletedId
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const publicIncidentContext = { additionalTypenames: ['PublicIncident', 'Incident'] };
export const templatesContext = { additionalTypenames: ['UpdateTemplate'] };

/** Fills a template's `{component}` with the affected components' names. */
export function fillTemplate(text: string, components: readonly string[]): string {
  const names = components.length ? components.join(', ') : 'the service';
  return text.replaceAll('{component}', names);
}
