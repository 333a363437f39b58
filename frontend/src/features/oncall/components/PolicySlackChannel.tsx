import { Button, Card, Code, Group, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useEffect } from 'react';
import { useInvalidFocus } from '@/components/FormModal';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';
import { SLACK_CHANNEL_RULE, validateSlackChannel } from '@/lib/slack';
import { SetPolicySlackChannelMutation, policiesContext } from '../api';

/** The policy's Slack channel: admins set it, others read it. */
export function PolicySlackChannel({
  policyId,
  channel,
  canEdit,
}: {
  policyId: string;
  channel: string;
  canEdit: boolean;
}) {
  const [{ fetching }, save] = useMutationWithErrors(SetPolicySlackChannelMutation, (d) => d.setEscalationPolicySlackChannel, {
    failTitle: 'Could not set the Slack channel',
    context: policiesContext,
  });
  const form = useForm<{ channel: string }>({
    mode: 'controlled',
    initialValues: { channel },
    validate: { channel: validateSlackChannel },
  });
  const { ref, focusInvalid } = useInvalidFocus();
  useEffect(() => {
    form.setValues({ channel });
    form.resetDirty({ channel });
    // Follow the saved value only; form is stable.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [channel]);

  const submit = form.onSubmit(async (v) => {
    const value = v.channel.trim();
    const out = await save(
      { input: { policyId, channel: value } },
      { success: value ? `Slack channel set to ${value}.` : 'Slack channel cleared.' },
    );
    if (!out.ok) {
      const message = out.errors.map((e) => e.message).join(' ');
      if (message) form.setErrors({ channel: message });
      focusInvalid();
    }
  }, focusInvalid);

  return (
    <Card withBorder radius="md" padding="md" mt="lg" maw={760} component="section" aria-labelledby="policy-slack">
      <Title order={2} size="h5" mb="xs" id="policy-slack">
        Slack channel
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        For incidents whose component has no channel. {SLACK_CHANNEL_RULE}
      </Text>
      {canEdit ? (
        <form ref={ref} onSubmit={submit} noValidate aria-label="Policy Slack channel">
          <Group align="flex-start">
            <TextInput
              label="Channel id"
              placeholder="C0123456789"
              description="In Slack: channel details → About. Empty: none."
              style={{ flex: 1 }}
              {...form.getInputProps('channel')}
            />
            <Button type="submit" mt={24} loading={fetching} disabled={!form.isDirty()}>
              Save channel
            </Button>
          </Group>
        </form>
      ) : channel ? (
        <Code>{channel}</Code>
      ) : (
        <Text size="sm">None</Text>
      )}
    </Card>
  );
}
