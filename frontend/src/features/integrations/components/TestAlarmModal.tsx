import { Alert, Anchor, Button, Checkbox, Group, Modal, Stack, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconCircleCheck } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { FormModal } from '@/components/FormModal';
import type { SendTestAlarmMutation as SendResult } from '@/gql/graphql';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';
import { AccountEndpointOptionsQuery, SendTestAlarmMutation, integrationsContext } from '../api';

interface Values extends Record<string, unknown> {
  endpointIds: string[];
}

type TestIncident = NonNullable<SendResult['sendTestAlarm']['incident']>;

const endpointsContext = { additionalTypenames: ['Endpoint'] };

/**
 * Runs a synthetic ALARM then OK through the integration: a TEST incident opens and resolves,
 * pages nobody, and fires webhooks only to the endpoints ticked here (none by default).
 */
export function TestAlarmModal({
  accountId,
  integrationId,
  opened,
  onClose,
}: {
  accountId: string;
  integrationId: string;
  opened: boolean;
  onClose: () => void;
}) {
  const [done, setDone] = useState<TestIncident | null>(null);
  const [{ data }] = useQuery({
    query: AccountEndpointOptionsQuery,
    variables: { scope: { scope: 'ACCOUNT', id: accountId } },
    context: endpointsContext,
    pause: !opened,
  });
  const endpoints = data?.endpoints ?? [];
  const [, send] = useMutationWithErrors(SendTestAlarmMutation, (d) => d.sendTestAlarm, {
    failTitle: 'Could not send the test alarm',
    context: integrationsContext,
  });
  const form = useForm<Values>({ mode: 'controlled', initialValues: { endpointIds: [] } });

  return (
    <>
      <FormModal
        opened={opened}
        onClose={onClose}
        title="Send a test alarm"
        form={form}
        values={{ endpointIds: [] }}
        submitLabel="Send test alarm"
        onSubmit={async (v) => {
          const out = await send({ input: { integrationId, endpointIds: v.endpointIds } });
          if (out.ok && out.payload.incident) setDone(out.payload.incident);
          return out;
        }}
      >
        <Text size="sm">
          Runs a synthetic ALARM and then OK through this integration (its routing rules included). The incident
          it opens is marked <b>TEST</b>, resolves at once, pages nobody, posts nothing to Slack and is counted apart.
        </Text>
        <Checkbox.Group
          label="Deliver the test incident's webhooks to…"
          description={endpoints.length === 0 ? 'This account has no endpoints.' : 'None ticked: no webhooks are sent.'}
          {...form.getInputProps('endpointIds')}
        >
          <Stack gap={6} mt="xs">
            {endpoints.map((e) => (
              <Checkbox key={e.id} value={e.id} label={e.name} description={e.active ? e.url : `${e.url} (inactive)`} />
            ))}
          </Stack>
        </Checkbox.Group>
      </FormModal>
      <Modal opened={done !== null} onClose={() => setDone(null)} title="Test alarm sent" centered>
        {done && (
          <Stack gap="md">
            <Alert color="teal" icon={<IconCircleCheck size={18} />} data-testid="test-alarm-result">
              The test incident opened on <b>{done.component.name}</b> and{' '}
              {done.status === 'RESOLVED' ? 'resolved' : `is ${done.status.toLowerCase()}`}.
            </Alert>
            <Anchor component={Link} to={`/accounts/${accountId}/incidents/${done.id}`}>
              {done.title}
            </Anchor>
            <Group justify="flex-end">
              <Button onClick={() => setDone(null)}>Close</Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </>
  );
}
