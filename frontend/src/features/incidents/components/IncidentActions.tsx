import { Button, Group, Modal, Stack, Textarea } from '@mantine/core';
import { IconCircleCheck, IconEye } from '@tabler/icons-react';
import { useState } from 'react';
import type { IncidentStatus } from '@/gql/graphql';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';
import { AcknowledgeIncidentMutation, ResolveIncidentMutation, incidentsContext } from '../api';

export function IncidentActions({ id, status }: { id: string; status: IncidentStatus }) {
  const [ack, acknowledge] = useMutationWithErrors(AcknowledgeIncidentMutation, (d) => d.acknowledgeIncident, {
    failTitle: 'Could not acknowledge the incident',
    context: incidentsContext,
  });
  const [res, resolve] = useMutationWithErrors(ResolveIncidentMutation, (d) => d.resolveIncident, {
    failTitle: 'Could not resolve the incident',
    context: incidentsContext,
  });
  const [resolving, setResolving] = useState(false);
  const [note, setNote] = useState('');

  async function onAck() {
    await acknowledge({ input: { id } }, { success: 'Incident acknowledged.', notifyUserErrors: true });
  }

  async function onResolve() {
    const out = await resolve({ input: { id, note: note.trim() || null } }, { success: 'Incident resolved.', notifyUserErrors: true });
    if (out.ok) {
      setResolving(false);
      setNote('');
    }
  }

  if (status === 'RESOLVED') return null;
  return (
    <>
      <Group gap="sm">
        {status === 'TRIGGERED' && (
          <Button variant="light" color="yellow" leftSection={<IconEye size={16} />} onClick={onAck} loading={ack.fetching}>
            Acknowledge
          </Button>
        )}
        <Button color="teal" leftSection={<IconCircleCheck size={16} />} onClick={() => setResolving(true)}>
          Resolve
        </Button>
      </Group>
      <Modal opened={resolving} onClose={() => setResolving(false)} title="Resolve incident" centered>
        <Stack gap="md">
          <Textarea
            label="Resolution note"
            description="Optional: what fixed it. It is added to the timeline."
            autosize
            minRows={3}
            data-autofocus
            value={note}
            onChange={(e) => setNote(e.currentTarget.value)}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setResolving(false)}>
              Cancel
            </Button>
            <Button color="teal" onClick={onResolve} loading={res.fetching}>
              Resolve incident
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
