import { graphql } from '@/gql';

export const MaintenanceFields = graphql(`
  fragment MaintenanceFields on MaintenanceWindow {
    id
    accountId
    title
    message
    startsAt
    endsAt
    status
    notifySubscribers
    startedAt
    completedAt
    components {
      id
      name
    }
  }
`);

export const MaintenanceWindowsQuery = graphql(`
  query MaintenanceWindows($accountId: ID!, $includePast: Boolean) {
    account(id: $accountId) {
      id
      myRole
      maintenanceWindows(includePast: $includePast) {
        ...MaintenanceFields
      }
    }
  }
`);

export const CreateMaintenanceMutation = graphql(`
  mutation CreateMaintenance($input: CreateMaintenanceInput!) {
    createMaintenance(input: $input) {
      maintenance {
        ...MaintenanceFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const UpdateMaintenanceMutation = graphql(`
  mutation UpdateMaintenance($input: UpdateMaintenanceInput!) {
    updateMaintenance(input: $input) {
      maintenance {
        ...MaintenanceFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const EndMaintenanceMutation = graphql(`
  mutation EndMaintenance($id: ID!) {
    endMaintenance(id: $id) {
      maintenance {
        ...MaintenanceFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const maintenanceContext = { additionalTypenames: ['MaintenanceWindow'] };
