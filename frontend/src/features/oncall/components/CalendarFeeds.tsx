import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { IconCalendarPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { DateTime } from '@/components/DateTime';
import { SecretReveal } from '@/components/SecretReveal';
import { confirmDanger } from '@/components/confirm';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';
import { CreateCalendarFeedMutation, RevokeCalendarFeedMutation, contactContext } from '../api';

export interface Feed {
  id: string;
  tokenPrefix: string;
  createdAt: string;
  lastUsedAt?: string | null;
  revokedAt?: string | null;
}

/**
 * A read-only iCalendar feed (a schedule's, or the caller's own shifts when `scheduleId` is
 * absent): create shows the secret URL once, revoke stops it.
 */
export function CalendarFeeds({
  accountId,
  scheduleId,
  feeds,
}: {
  accountId: string;
  scheduleId?: string;
  feeds: readonly Feed[];
}) {
  const [url, setUrl] = useState<string | null>(null);
  const [creating, create] = useMutationWithErrors(CreateCalendarFeedMutation, (d) => d.createCalendarFeed, {
    failTitle: 'Could not create the calendar feed',
    context: contactContext,
  });
  const [, revoke] = useMutationWithErrors(RevokeCalendarFeedMutation, (d) => d.revokeCalendarFeed, {
    failTitle: 'Could not revoke the feed',
    context: contactContext,
  });
  const active = feeds.filter((f) => !f.revokedAt);

  return (
    <Stack gap="sm">
      {active.length === 0 ? (
        <Text size="sm" c="dimmed">
          No feed yet. A feed is a secret URL your calendar app subscribes to.
        </Text>
      ) : (
        <Stack gap={6} component="ul" style={{ listStyle: 'none', margin: 0, padding: 0 }} aria-label="Calendar feeds">
          {active.map((f) => (
            <Group component="li" key={f.id} justify="space-between" wrap="nowrap">
              <Text size="sm">
                <code>{f.tokenPrefix}…</code>{' '}
                <Text span size="xs" c="dimmed">
                  created <DateTime value={f.createdAt} size="xs" />, last read{' '}
                  <DateTime value={f.lastUsedAt} size="xs" empty="never" />
                </Text>
              </Text>
              <Button
                size="xs"
                variant="subtle"
                color="red"
                onClick={async () => {
                  const ok = await confirmDanger({
                    title: 'Revoke this feed?',
                    message: 'Calendars subscribed to its URL stop updating.',
                    confirmLabel: 'Revoke feed',
                  });
                  if (ok) await revoke({ id: f.id }, { success: 'Feed revoked.', notifyUserErrors: true });
                }}
              >
                Revoke
              </Button>
            </Group>
          ))}
        </Stack>
      )}
      <Group>
        <Button
          size="xs"
          variant="light"
          leftSection={<IconCalendarPlus size={14} />}
          loading={creating.fetching}
          onClick={async () => {
            const out = await create(
              { input: { accountId, scheduleId: scheduleId ?? null } },
              { notifyUserErrors: true },
            );
            if (out.ok && out.payload.url) setUrl(out.payload.url);
          }}
        >
          New calendar feed
        </Button>
      </Group>
      <Modal opened={url !== null} onClose={() => setUrl(null)} title="Calendar feed" centered size="lg" withCloseButton>
        {url && (
          <SecretReveal
            title="Subscribe to this URL"
            label="Feed URL"
            value={url}
            note="Anyone with the URL can read these shifts. Switchboard cannot show it again; revoke it and create another if it leaks."
            doneLabel="Done"
            onDone={() => setUrl(null)}
            testId="feed-url"
          />
        )}
      </Modal>
    </Stack>
  );
}
