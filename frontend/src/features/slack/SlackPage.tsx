import { Alert, Badge, Button, Card, Code, Group, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconBrandSlack, IconPlugConnectedX } from '@tabler/icons-react';
import { useState } from 'react';
import { useParams } from 'react-router';
import { useQuery } from 'urql';
import { CodeBlock } from '@/components/CodeBlock';
import { confirmDanger } from '@/components/confirm';
import { DateTime } from '@/components/DateTime';
import { DetailList } from '@/components/DetailList';
import { FormErrors } from '@/components/FormErrors';
import { useInvalidFocus } from '@/components/FormModal';
import { PageHeader } from '@/components/PageHeader';
import { QueryError } from '@/components/QueryError';
import { TableSkeleton } from '@/components/TableSkeleton';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';
import { splitUserErrors } from '@/lib/graphql/user-errors';
import { roleAtLeast } from '@/lib/roles';
import { ConnectSlackWorkspaceMutation, DisconnectSlackWorkspaceMutation, SlackWorkspaceQuery } from './api';

const context = { additionalTypenames: ['SlackConnection'] };

interface ConnectValues extends Record<string, unknown> {
  botToken: string;
  signingSecret: string;
}
const EMPTY: ConnectValues = { botToken: '', signingSecret: '' };

/** The bot token and signing secret: sent once, never shown again. */
function ConnectForm({
  accountId,
  reconnect,
  onDone,
}: {
  accountId: string;
  reconnect: boolean;
  onDone: () => void;
}) {
  const [{ fetching }, connect] = useMutationWithErrors(ConnectSlackWorkspaceMutation, (d) => d.connectSlackWorkspace, {
    failTitle: 'Could not connect the workspace',
    context,
  });
  const form = useForm<ConnectValues>({
    mode: 'controlled',
    initialValues: EMPTY,
    validate: {
      botToken: (v) => (v.trim() ? null : 'Required'),
      signingSecret: (v) => (v.trim() ? null : 'Required'),
    },
  });
  const [general, setGeneral] = useState<string[]>([]);
  const { ref, focusInvalid } = useInvalidFocus();

  const submit = form.onSubmit(async (v) => {
    setGeneral([]);
    const outcome = await connect(
      { input: { accountId, botToken: v.botToken.trim(), signingSecret: v.signingSecret.trim() } },
      { success: 'Slack workspace connected.' },
    );
    if (outcome.ok) {
      form.setValues(EMPTY);
      form.resetDirty(EMPTY);
      onDone();
      return;
    }
    const split = splitUserErrors(outcome.errors, Object.keys(EMPTY));
    form.setErrors(split.fields);
    setGeneral(split.general);
    focusInvalid();
  }, focusInvalid);

  return (
    <Card withBorder padding="lg">
      <Title order={2} size="h4" mb="xs">
        {reconnect ? 'Replace the credentials' : 'Connect'}
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        The token is checked with Slack (auth.test). Both values are stored sealed and never shown again.
      </Text>
      <form ref={ref} onSubmit={submit} noValidate aria-label="Connect a Slack workspace">
        <Stack gap="md" maw={520}>
          <FormErrors errors={general} />
          <PasswordInput
            label="Bot User OAuth Token"
            description="OAuth & Permissions → Bot User OAuth Token (xoxb-…)"
            placeholder="xoxb-…"
            autoComplete="off"
            required
            {...form.getInputProps('botToken')}
            // PasswordInput marks only its wrapper: the focus rule looks for aria-invalid.
            aria-invalid={Boolean(form.errors.botToken)}
          />
          <PasswordInput
            label="Signing secret"
            description="Basic Information → App Credentials → Signing Secret"
            autoComplete="off"
            required
            {...form.getInputProps('signingSecret')}
            aria-invalid={Boolean(form.errors.signingSecret)}
          />
          <Group>
            <Button type="submit" loading={fetching} leftSection={<IconBrandSlack size={16} />}>
              {reconnect ? 'Reconnect' : 'Connect'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

export default function SlackPage() {
  const { accountId = '' } = useParams();
  const [{ data, error, fetching }, refetch] = useQuery({ query: SlackWorkspaceQuery, variables: { accountId }, context });
  const [{ fetching: disconnecting }, disconnect] = useMutationWithErrors(
    DisconnectSlackWorkspaceMutation,
    (d) => d.disconnectSlackWorkspace,
    { failTitle: 'Could not disconnect the workspace', context },
  );

  const reload = () => refetch({ requestPolicy: 'network-only' });

  const header = (
    <PageHeader
      title="Slack"
      description="Incidents as channel messages updated in place, pages as direct messages, and buttons and /switchboard that act as the matched member."
    />
  );
  if (error && !data) {
    return (
      <>
        {header}
        <QueryError error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      </>
    );
  }
  if (!data && fetching) {
    return (
      <>
        {header}
        <TableSkeleton />
      </>
    );
  }
  const account = data?.account;
  if (!account) return header;
  const ws = account.slackWorkspace;
  const admin = roleAtLeast(account.myRole, 'ADMIN');

  const onDisconnect = async () => {
    const ok = await confirmDanger({
      title: 'Disconnect Slack?',
      message: `Incidents stop being posted to ${ws.teamName ?? 'the workspace'}, Slack DMs stop and buttons in Slack stop working. The bot token and signing secret are deleted.`,
      confirmLabel: 'Disconnect',
    });
    if (!ok) return;
    const out = await disconnect({ input: { accountId } }, { success: 'Slack workspace disconnected.', notifyUserErrors: true });
    if (out.ok) reload();
  };

  return (
    <>
      {header}
      <Stack gap="lg">
        <Card withBorder padding="lg">
          <Group justify="space-between" mb="md">
            <Group gap="sm">
              <Title order={2} size="h4">
                Workspace
              </Title>
              {ws.connected ? (
                <Badge color="teal" variant="light">
                  Connected
                </Badge>
              ) : (
                <Badge color="gray" variant="light">
                  Not connected
                </Badge>
              )}
            </Group>
            {admin && ws.connected && (
              <Button
                color="red"
                variant="light"
                leftSection={<IconPlugConnectedX size={16} />}
                loading={disconnecting}
                onClick={onDisconnect}
              >
                Disconnect
              </Button>
            )}
          </Group>
          {ws.connected ? (
            <DetailList
              items={[
                { label: 'Team', value: <span data-testid="slack-team">{`${ws.teamName ?? ''} (${ws.teamId ?? ''})`}</span> },
                { label: 'Bot user', value: ws.botUserId ? <Code>{ws.botUserId}</Code> : '—' },
                { label: 'Connected by', value: ws.connectedBy || '—' },
                { label: 'Connected at', value: <DateTime value={ws.connectedAt} /> },
              ]}
              cols={4}
            />
          ) : (
            <Text size="sm" c="dimmed">
              No Slack workspace is connected to this account.{' '}
              {admin ? 'Create the app from the manifest below, install it, then enter its credentials.' : 'An administrator connects one.'}
            </Text>
          )}
        </Card>

        {admin ? (
          <ConnectForm accountId={accountId} reconnect={ws.connected} onDone={reload} />
        ) : (
          <Alert variant="light" color="gray">
            Only administrators connect or disconnect the workspace.
          </Alert>
        )}

        <Card withBorder padding="lg">
          <Title order={2} size="h4" mb="xs">
            Create the Slack app
          </Title>
          <Text size="sm" c="dimmed" mb="md">
            At api.slack.com → Create New App → From an app manifest, paste this manifest and install the app to your
            workspace. Then give components (or escalation policies) a channel id; invite the bot to private channels.
          </Text>
          <Stack gap="md">
            <div>
              <Text size="sm" fw={500} mb={4}>
                App manifest
              </Text>
              <CodeBlock label="Copy manifest" maxHeight={360} testId="slack-manifest">
                {prettyJSON(ws.manifest)}
              </CodeBlock>
            </div>
            <div>
              <Text size="sm" fw={500} mb={4}>
                Interactivity request URL
              </Text>
              <CodeBlock label="Copy interactivity URL" testId="slack-interactivity-url">
                {ws.interactivityUrl}
              </CodeBlock>
            </div>
            <div>
              <Text size="sm" fw={500} mb={4}>
                Slash command request URL (/switchboard)
              </Text>
              <CodeBlock label="Copy commands URL" testId="slack-commands-url">
                {ws.commandsUrl}
              </CodeBlock>
            </div>
          </Stack>
        </Card>
      </Stack>
    </>
  );
}

function prettyJSON(s: string): string {
  try {
    return JSON.stringify(JSON.parse(s), null, 2);
  } catch {
    return s;
  }
}
