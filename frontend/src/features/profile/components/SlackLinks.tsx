import { Button, Card, Code, Table, Text, Title } from '@mantine/core';
import { confirmDanger } from '@/components/confirm';
import { DateTime } from '@/components/DateTime';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';
import { UnlinkSlackUserMutation, slackLinksContext } from '../api';

interface SlackLink {
  id: string;
  accountId: string;
  teamId: string;
  slackUserId: string;
  createdAt: string;
}

/** The Slack users acting as the signed-in user (made from a /slack/link page), with Unlink. */
export function SlackLinks({ links, accountNames }: { links: readonly SlackLink[]; accountNames: Record<string, string> }) {
  const [, unlink] = useMutationWithErrors(UnlinkSlackUserMutation, (d) => d.unlinkSlackUser, {
    failTitle: 'Could not unlink the Slack user',
    context: slackLinksContext,
  });

  const onUnlink = async (l: SlackLink) => {
    const ok = await confirmDanger({
      title: `Unlink ${l.slackUserId}?`,
      message:
        'That Slack user stops acting as you. Slack may still match you by the email of your Slack profile; otherwise it is sent a new link.',
      confirmLabel: 'Unlink',
    });
    if (!ok) return;
    await unlink({ input: { id: l.id } }, { success: 'Slack user unlinked.', notifyUserErrors: true });
  };

  return (
    <Card withBorder radius="md" padding="lg">
      <Title order={2} size="h4" mb="xs">
        Slack
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        Slack users that act as you in an account’s workspace (buttons and /switchboard). Without a link Slack users are
        matched by their profile’s email.
      </Text>
      {links.length === 0 ? (
        <Text size="sm" c="dimmed">
          No Slack user is linked to you.
        </Text>
      ) : (
        <Table aria-label="Slack links">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Account</Table.Th>
              <Table.Th>Workspace</Table.Th>
              <Table.Th>Slack user</Table.Th>
              <Table.Th>Linked</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {links.map((l) => (
              <Table.Tr key={l.id}>
                <Table.Td>{accountNames[l.accountId] ?? l.accountId}</Table.Td>
                <Table.Td>
                  <Code>{l.teamId}</Code>
                </Table.Td>
                <Table.Td>
                  <Code>{l.slackUserId}</Code>
                </Table.Td>
                <Table.Td>
                  <DateTime value={l.createdAt} size="sm" />
                </Table.Td>
                <Table.Td>
                  <Button size="xs" variant="subtle" color="red" onClick={() => onUnlink(l)} aria-label={`Unlink ${l.slackUserId}`}>
                    Unlink
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  );
}
