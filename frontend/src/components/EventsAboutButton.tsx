import { Button } from '@mantine/core';
import { IconBolt } from '@tabler/icons-react';
import { Link } from 'react-router';

/** The events page narrowed to one subject (an incident, a farm with its servers, a server, an environment). */
export function eventsAboutPath(accountId: string, subjectId: string): string {
  return `/accounts/${accountId}/events?subject=${encodeURIComponent(subjectId)}`;
}

/** "Events about this farm": a detail page's link to the events about what it shows. */
export function EventsAboutButton({ accountId, subjectId, what }: { accountId: string; subjectId: string; what: string }) {
  return (
    <Button component={Link} to={eventsAboutPath(accountId, subjectId)} variant="default" leftSection={<IconBolt size={16} />}>
      Events about this {what}
    </Button>
  );
}
