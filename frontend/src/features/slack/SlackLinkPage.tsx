import { Alert, Button, Card, Code, Group, Stack, Text } from '@mantine/core';
import { IconBrandSlack, IconCheck } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { FormErrors } from '@/components/FormErrors';
import { PageHeader } from '@/components/PageHeader';
import { useAccountRole } from '@/lib/account-role';
import { useAuth } from '@/lib/auth/auth-context';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';
import { LinkSlackUserMutation } from './api';
import { readSlackLinkToken } from './link-token';

const context = { additionalTypenames: ['SlackUserLink'] };

/**
 * `/slack/link?token=…`, the link Slack shows an unknown Slack user. Nothing happens on load:
 * the signed-in person reads who they are linking and clicks Link.
 */
export default function SlackLinkPage() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const claims = useMemo(() => (token ? readSlackLinkToken(token) : null), [token]);
  const { user } = useAuth();
  const { account } = useAccountRole(claims?.accountId ?? '');
  const [{ fetching }, link] = useMutationWithErrors(LinkSlackUserMutation, (d) => d.linkSlackUser, {
    failTitle: 'Could not link your Slack user',
    context,
  });
  const [errors, setErrors] = useState<string[]>([]);
  const [linked, setLinked] = useState<{ slackUserId: string; teamId: string } | null>(null);

  const header = <PageHeader title="Link your Slack user" />;
  if (!token) {
    return (
      <>
        {header}
        <Alert color="red" variant="light">
          This link has no token. Use the link Switchboard sent you in Slack.
        </Alert>
      </>
    );
  }

  const me = user ? user.name || user.email : 'you';
  const onLink = async () => {
    setErrors([]);
    const outcome = await link({ input: { token } }, { success: 'Slack user linked.' });
    if (outcome.ok && outcome.payload.link) {
      setLinked({ slackUserId: outcome.payload.link.slackUserId, teamId: outcome.payload.link.teamId });
    } else {
      setErrors(outcome.errors.map((e) => e.message));
    }
  };

  return (
    <>
      {header}
      <Card withBorder padding="lg" maw={640}>
        {linked ? (
          <Stack gap="sm">
            <Group gap="xs">
              <IconCheck size={18} color="var(--mantine-color-teal-6)" />
              <Text fw={500}>Linked</Text>
            </Group>
            <Text size="sm">
              Slack user <Code>{linked.slackUserId}</Code> in workspace <Code>{linked.teamId}</Code> now acts as {me}.
              You can go back to Slack and try again. Unlink it from your <Link to="/profile">profile</Link>.
            </Text>
          </Stack>
        ) : (
          <Stack gap="md">
            <FormErrors errors={errors} />
            {claims ? (
              <Text size="sm" data-testid="slack-link-summary">
                Slack user <Code>{claims.slackUserId}</Code> in workspace <Code>{claims.teamId}</Code>
                {account ? (
                  <>
                    {' '}
                    (account <b>{account.name}</b>)
                  </>
                ) : null}{' '}
                will act as you, <b>{me}</b>, with your role: buttons and /switchboard commands from that Slack user
                change incidents in your name.
              </Text>
            ) : (
              <Text size="sm" data-testid="slack-link-summary">
                The Slack user this link was made for will act as you, <b>{me}</b>, with your role.
              </Text>
            )}
            <Text size="sm" c="dimmed">
              Only continue if you clicked this link in Slack yourself. The link works once, for an hour.
            </Text>
            <Group>
              <Button leftSection={<IconBrandSlack size={16} />} loading={fetching} onClick={onLink}>
                Link
              </Button>
              <Button variant="default" component={Link} to="/">
                Cancel
              </Button>
            </Group>
          </Stack>
        )}
      </Card>
    </>
  );
}
