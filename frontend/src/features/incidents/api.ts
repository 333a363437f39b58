import { graphql } from '@/gql';

export const IncidentListFields = graphql(`
  fragment IncidentListFields on Incident {
    id
    title
    severity
    status
    source
    openedAt
    openedBy
    acknowledgedAt
    acknowledgedBy
    resolvedAt
    resolvedBy
    updatedAt
    isTest
    component {
      id
      name
    }
  }
`);

/** MTTA, MTTR and the count over the incidents the list's filter matches. */
export const IncidentStatsQuery = graphql(`
  query IncidentStats($accountId: ID!, $filter: IncidentFilter) {
    account(id: $accountId) {
      id
      incidentStats(filter: $filter) {
        count
        acknowledged
        resolved
        mttaSeconds
        mttrSeconds
      }
    }
  }
`);

/** Per-incident results of a bulk acknowledge or resolve. */
export const BulkIncidentPayloadFields = graphql(`
  fragment BulkIncidentPayloadFields on BulkIncidentPayload {
    results {
      id
      incident {
        ...IncidentListFields
      }
      error {
        code
        field
        message
      }
    }
    errors {
      ...UserErrorFields
    }
  }
`);

export const AcknowledgeIncidentsMutation = graphql(`
  mutation AcknowledgeIncidents($ids: [ID!]!) {
    acknowledgeIncidents(ids: $ids) {
      ...BulkIncidentPayloadFields
    }
  }
`);

export const ResolveIncidentsMutation = graphql(`
  mutation ResolveIncidents($ids: [ID!]!) {
    resolveIncidents(ids: $ids) {
      ...BulkIncidentPayloadFields
    }
  }
`);

export const IncidentsQuery = graphql(`
  query Incidents($accountId: ID!, $filter: IncidentFilter, $first: Int!, $after: String) {
    account(id: $accountId) {
      id
      incidents(filter: $filter, first: $first, after: $after) {
        edges {
          cursor
          node {
            ...IncidentListFields
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`);

export const IncidentChangedSubscription = graphql(`
  subscription IncidentChanged($accountId: ID!) {
    incidentChanged(accountId: $accountId) {
      kind
      incident {
        ...IncidentListFields
      }
    }
  }
`);

export const IncidentDetailFields = graphql(`
  fragment IncidentDetailFields on Incident {
    id
    accountId
    title
    severity
    status
    source
    sourceKey
    openedAt
    openedBy
    acknowledgedAt
    acknowledgedBy
    resolvedAt
    resolvedBy
    updatedAt
    isTest
    component {
      id
      name
      status
    }
    integration {
      id
      name
    }
    alarm {
      name
      description
      arn
      awsAccountId
      region
      regionName
      kind
      newState
      oldState
      reason
      stateChangeTime
      metricNamespace
      metricName
      rule
      condition {
        statistic
        period
        evaluationPeriods
        datapointsToAlarm
        comparisonOperator
        threshold
        treatMissingData
        unit
        summary
      }
      dimensions {
        name
        value
      }
      consoleUrl
    }
    timeline {
      id
      kind
      actorLabel
      body
      createdAt
      actor {
        id
        name
        email
      }
    }
  }
`);

/** The escalation panel: where paging stands, and every notification sent for the incident. */
export const EscalationPanelFields = graphql(`
  fragment EscalationPanelFields on Incident {
    id
    status
    unreachedAt
    assignee {
      id
      name
      email
    }
    escalation {
      policy {
        id
        name
      }
      policySource
      state
      level
      levelCount
      repeatsLeft
      nextStepAt
      snoozedUntil
      paged {
        id
        name
        email
      }
    }
    notifications {
      id
      reason
      channel
      recipient
      level
      status
      attempts
      lastError
      createdAt
      sentAt
      user {
        id
        name
        email
      }
    }
  }
`);

export const SlackMessageFields = graphql(`
  fragment SlackMessageFields on SlackMessage {
    id
    channelId
    ts
    desiredVersion
    syncedVersion
    lastSyncedAt
    lastError
    nextAttemptAt
    createdAt
  }
`);

export const IncidentQuery = graphql(`
  query Incident($id: ID!) {
    incident(id: $id) {
      ...IncidentDetailFields
      ...EscalationPanelFields
      slackMessages {
        ...SlackMessageFields
      }
    }
  }
`);

/** The detail page only needs to know that its incident changed; it reloads it then. */
export const IncidentDetailChangedSubscription = graphql(`
  subscription IncidentDetailChanged($accountId: ID!) {
    incidentChanged(accountId: $accountId) {
      kind
      incident {
        id
        updatedAt
      }
    }
  }
`);

export const CreateIncidentMutation = graphql(`
  mutation CreateIncident($input: CreateIncidentInput!) {
    createIncident(input: $input) {
      incident {
        ...IncidentListFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const AcknowledgeIncidentMutation = graphql(`
  mutation AcknowledgeIncident($input: AcknowledgeIncidentInput!) {
    acknowledgeIncident(input: $input) {
      incident {
        ...IncidentDetailFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const ResolveIncidentMutation = graphql(`
  mutation ResolveIncident($input: ResolveIncidentInput!) {
    resolveIncident(input: $input) {
      incident {
        ...IncidentDetailFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const AddIncidentNoteMutation = graphql(`
  mutation AddIncidentNote($input: AddIncidentNoteInput!) {
    addIncidentNote(input: $input) {
      incident {
        ...IncidentDetailFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const incidentsContext = { additionalTypenames: ['Incident'] };

/** Where an incident lives: links sent before incident URLs named the account end in /incidents/<id>. */
export const IncidentAccountQuery = graphql(`
  query IncidentAccount($id: ID!) {
    incident(id: $id) {
      id
      accountId
    }
  }
`);


export const UnacknowledgeIncidentMutation = graphql(`
  mutation UnacknowledgeIncident($input: UnacknowledgeIncidentInput!) {
    unacknowledgeIncident(input: $input) {
      incident {
        ...IncidentDetailFields
        ...EscalationPanelFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const ReassignIncidentMutation = graphql(`
  mutation ReassignIncident($input: ReassignIncidentInput!) {
    reassignIncident(input: $input) {
      incident {
        ...IncidentDetailFields
        ...EscalationPanelFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const SnoozeIncidentMutation = graphql(`
  mutation SnoozeIncident($input: SnoozeIncidentInput!) {
    snoozeIncident(input: $input) {
      incident {
        ...IncidentDetailFields
        ...EscalationPanelFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const SetIncidentPolicyMutation = graphql(`
  mutation SetIncidentPolicy($input: SetIncidentPolicyInput!) {
    setIncidentPolicy(input: $input) {
      incident {
        ...IncidentDetailFields
        ...EscalationPanelFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const EscalateIncidentMutation = graphql(`
  mutation EscalateIncident($input: EscalateIncidentInput!) {
    escalateIncident(input: $input) {
      incident {
        ...IncidentDetailFields
        ...EscalationPanelFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);
