import { Button } from '@mantine/core';
import { Navigate, Link, useParams } from 'react-router';
import { useQuery } from 'urql';
import { EmptyState } from '@/components/EmptyState';
import { QueryError } from '@/components/QueryError';
import { TableSkeleton } from '@/components/TableSkeleton';
import { IncidentAccountQuery } from './api';

/**
 * `/incidents/:incidentId`: the incident link of payloads sent before links named the account
 * (SCALR_INCIDENT_URL was `…/incidents/<id>`). Looks the incident up and moves to its page in
 * its account; an incident that does not exist (or that the user cannot see) gets a clear
 * not-found instead of the console's "Page not found".
 */
export default function IncidentRedirectPage() {
  const { incidentId = '' } = useParams();
  const [{ data, fetching, error }, refetch] = useQuery({ query: IncidentAccountQuery, variables: { id: incidentId } });
  if (error && !data) return <QueryError error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (fetching || !data) return <TableSkeleton label="Finding the incident" />;
  const incident = data.incident;
  if (!incident) {
    return (
      <EmptyState
        title="Incident not found"
        action={
          <Button component={Link} to="/" variant="light">
            Go to the console
          </Button>
        }
      >
        It does not exist, or it belongs to an account you are not a member of.
      </EmptyState>
    );
  }
  return <Navigate to={`/accounts/${incident.accountId}/incidents/${incident.id}`} replace />;
}
