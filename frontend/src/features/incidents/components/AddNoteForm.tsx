import { Button, Group, Stack, Textarea } from '@mantine/core';
import { useState } from 'react';
import { useMutation } from 'urql';
import { splitUserErrors } from '@/lib/graphql/user-errors';
import { notifyError } from '@/lib/notify';
import { AddIncidentNoteMutation, incidentsContext } from '../api';
import { useInvalidFocus } from '@/components/FormModal';

export function AddNoteForm({ id }: { id: string }) {
  const [body, setBody] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [{ fetching }, add] = useMutation(AddIncidentNoteMutation);

  const { ref, afterSubmit } = useInvalidFocus();

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (!body.trim()) {
      setError('Write a note first');
      return;
    }
    setError(null);
    const result = await add({ input: { id, body: body.trim() } }, incidentsContext);
    if (result.error) {
      notifyError(result.error, 'Could not add the note');
      return;
    }
    const errors = result.data?.addIncidentNote.errors ?? [];
    if (errors.length) {
      const split = splitUserErrors(errors, ['body']);
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
