import { Button, Group, Stack, Textarea } from '@mantine/core';
import { useState } from 'react';
import { splitUserErrors } from '@/lib/graphql/user-errors';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';
import { AddIncidentNoteMutation, incidentsContext } from '../api';
import { useInvalidFocus } from '@/components/FormModal';

export function AddNoteForm({ id }: { id: string }) {
  const [body, setBody] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [{ fetching }, add] = useMutationWithErrors(AddIncidentNoteMutation, (d) => d.addIncidentNote, {
    failTitle: 'Could not add the note',
    context: incidentsContext,
  });

  const { ref, afterSubmit } = useInvalidFocus();

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (!body.trim()) {
      setError('Write a note first');
      return;
    }
    setError(null);
    const outcome = await add({ input: { id, body: body.trim() } });
    if (!outcome.ok && outcome.transport) return;
    if (!outcome.ok) {
      const split = splitUserErrors(outcome.errors, ['body']);
      setError(split.fields.body ?? split.general.join('\n'));
      return;
    }
    setBody('');
  }

  return (
    <form ref={ref} onSubmit={afterSubmit(submit)} noValidate aria-label="Add a note">
      <Stack gap="xs">
        <Textarea
          label="Add a note"
          placeholder="What you found, what you are trying…"
          autosize
          minRows={2}
          maxRows={8}
          value={body}
          error={error}
          onChange={(e) => setBody(e.currentTarget.value)}
        />
        <Group justify="flex-end">
          <Button type="submit" variant="light" loading={fetching}>
            Add note
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
