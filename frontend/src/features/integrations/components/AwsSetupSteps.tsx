import { Alert, Code, List, Stack, Text, TextInput, ThemeIcon } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useState } from 'react';
import { CodeBlock } from '@/components/CodeBlock';
import { awsCommands, parseTopicArn, snsProtocol, webhookUrlWarnings } from '../aws';

/** The AWS side of the setup, with commands filled in for the user's topic and URL. */
export function AwsSetupSteps({ webhookUrl, topicArn: initialTopic }: { webhookUrl: string; topicArn: string }) {
  const [topic, setTopic] = useState(initialTopic);
  const cmd = awsCommands(topic, webhookUrl);
  const invalid = topic.trim() !== '' && !parseTopicArn(topic);
  const warnings = webhookUrlWarnings(webhookUrl);
  const step = (n: number) => (
    <ThemeIcon size={24} radius="xl" variant="light">
      <Text size="xs" fw={700}>
        {n}
      </Text>
    </ThemeIcon>
  );
  return (
    <Stack gap="sm" data-testid="aws-steps">
      {warnings.map((w) => (
        <Alert key={w} color="orange" variant="light" icon={<IconAlertTriangle size={16} />} p="xs" data-testid="url-warning">
          <Text size="sm">{w}</Text>
        </Alert>
      ))}
      <TextInput
        label="Your SNS topic ARN"
        description="Fills in the commands below. It is not saved."
        placeholder="arn:aws:sns:us-east-1:123456789012:alarms"
        value={topic}
        onChange={(e) => setTopic(e.currentTarget.value)}
        error={invalid ? 'This does not look like an SNS topic ARN' : null}
      />
      <List spacing="lg" center={false} styles={{ itemWrapper: { width: '100%' }, itemLabel: { width: '100%' } }}>
        <List.Item icon={step(1)}>
          <Text size="sm" fw={600}>
            Create or choose an SNS topic
          </Text>
          <Text size="sm" c="dimmed" mb={4}>
            In the region of your alarms. Skip this if the alarms already notify a topic.
          </Text>
          <CodeBlock label="Copy command">{cmd.createTopic}</CodeBlock>
        </List.Item>
        <List.Item icon={step(2)}>
          <Text size="sm" fw={600}>
            Set the topic attribute <Code>SignatureVersion</Code> to <Code>2</Code>
          </Text>
          <Alert color="orange" variant="light" icon={<IconAlertTriangle size={16} />} my={6} p="xs">
            <Text size="sm">
              Do this <b>before</b> subscribing. SNS topics sign with SHA1 (version 1) by default, and
              Switchboard refuses those messages, including the subscription confirmation.
            </Text>
          </Alert>
          <CodeBlock label="Copy command" testId="cmd-signature-version">
            {cmd.signatureVersion}
          </CodeBlock>
        </List.Item>
        <List.Item icon={step(3)}>
          <Text size="sm" fw={600}>
            Subscribe the webhook URL to the topic ({snsProtocol(webhookUrl).toUpperCase()})
          </Text>
          <Text size="sm" c="dimmed" mb={4}>
            Leave raw message delivery off. Switchboard confirms the subscription by itself.
          </Text>
          <CodeBlock label="Copy command" testId="cmd-subscribe">
            {cmd.subscribe}
          </CodeBlock>
        </List.Item>
        <List.Item icon={step(4)}>
          <Text size="sm" fw={600}>
            Send the alarm&apos;s <Code>ALARM</Code> and <Code>OK</Code> actions to the topic
          </Text>
          <Text size="sm" c="dimmed" mb={4}>
            ALARM opens an incident, OK resolves it. Without an OK action incidents stay open. In the
            console: the alarm&apos;s Actions, “In alarm” and “OK”, both to this topic.
          </Text>
          <CodeBlock label="Copy command">{cmd.alarm}</CodeBlock>
        </List.Item>
      </List>
    </Stack>
  );
}
