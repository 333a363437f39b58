import { Anchor, Badge, Button, Card, Checkbox, Group, Stack, Text, Textarea, Title } from '@mantine/core';
import { useState } from 'react';
import { useQuery } from 'urql';
import { DateTime } from '@/components/DateTime';
import { PublicStatusText } from '@/components/PublicStatus';
import { QueryError } from '@/components/QueryError';
import type { ComponentStatus, PublicIncidentFieldsFragment } from '@/gql/graphql';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';
import { IMPACT, PUBLIC_INCIDENT_STATUS } from '@/lib/public-status';
import { EditIncidentUpdateMutation, IncidentPublicQuery, SetPostmortemMutation, publicIncidentContext } from '../public-api';
import { UpdateComposer } from './UpdateComposer';
import { useInvalidFocus } from '@/components/FormModal';

type Update = PublicIncidentFieldsFragment['updates'][number];

function UpdateItem({ update, canAct }: { update: Update; canAct: boolean }) {
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(update.message);
  const [error, setError] = useState<string | null>(null);
  const [{ fetching }, edit] = useMutationWithErrors(EditIncidentUpdateMutation, (d) => d.editIncidentUpdate, {
    failTitle: 'Could not correct the update',
    context: publicIncidentContext,
  });
  async function save() {
    if (!text.trim()) {
      setError('The message cannot be empty');
      return;
    }
    const out = await edit({ input: { id: update.id, message: text.trim() } }, { success: 'Update corrected.' });
    if (out.ok) {
      setEditing(false);
      setError(null);
    } else setError(out.errors.map((e) => e.message).join('\n') || null);
  }
  return (
    <Stack gap={4} component="li" data-testid="public-update">
      <Group gap="xs" justify="space-between" wrap="nowrap">
        <Group gap="xs">
          <Text fw={600} size="sm">
            {PUBLIC_INCIDENT_STATUS[update.status]}
          </Text>
          <Text size="xs" c="dimmed">
            {update.author || 'someone'} · <DateTime value={update.createdAt} size="xs" />
          </Text>
          {update.editedAt && (
            <Badge size="xs" variant="outline" color="gray" radius="sm" title={`Edited ${update.editedAt}`}>
              Edited
            </Badge>
          )}
        </Group>
        {canAct && !editing && (
          <Button size="compact-xs" variant="subtle" onClick={() => { setText(update.message); setEditing(true); }}>
            Edit
          </Button>
        )}
      </Group>
      {editing ? (
        <Stack gap={6}>
          <Textarea aria-label="Corrected message" autosize minRows={2} value={text} error={error} onChange={(e) => setText(e.currentTarget.value)} />
          <Group gap="xs" justify="flex-end">
            <Button size="xs" variant="default" onClick={() => setEditing(false)}>
              Cancel
            </Button>
            <Button size="xs" loading={fetching} onClick={save}>
              Save correction
            </Button>
          </Group>
        </Stack>
      ) : (
        <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
          {update.message}
        </Text>
      )}
      {update.components.length > 0 && (
        <Group gap="sm">
          {update.components.map((c) => (
            <Group key={c.component.id} gap={4}>
              <Text size="xs" c="dimmed">
                {c.component.name}:
              </Text>
              <PublicStatusText value={c.status} size="xs" />
            </Group>
          ))}
        </Group>
      )}
    </Stack>
  );
}

function PostmortemEditor({ pi, canAct }: { pi: PublicIncidentFieldsFragment; canAct: boolean }) {
  const [text, setText] = useState(pi.postmortem);
  const [publish, setPublish] = useState<boolean>(pi.postmortem === '' || Boolean(pi.postmortemPublishedAt));
  const [error, setError] = useState<string | null>(null);
  const [{ fetching }, set] = useMutationWithErrors(SetPostmortemMutation, (d) => d.setPostmortem, {
    failTitle: 'Could not save the postmortem',
    context: publicIncidentContext,
  });
  const { ref, afterSubmit } = useInvalidFocus();
  async function save(e: React.FormEvent) {
    e.preventDefault();
    const out = await set(
      { input: { publicIncidentId: pi.id, postmortem: text.trim(), publish } },
      { success: publish ? 'Postmortem published.' : 'Postmortem saved as a draft.' },
    );
    setError(out.ok ? null : out.errors.map((x) => x.message).join('\n') || null);
  }
  return (
    <form ref={ref} onSubmit={afterSubmit(save)} noValidate aria-label="Postmortem">
      <Stack gap="xs">
        <Group gap="xs">
          <Title order={3} size="h6">
            Postmortem
          </Title>
          {pi.postmortemPublishedAt ? (
            <Badge size="xs" color="teal" variant="light" radius="sm">
              Published
            </Badge>
          ) : (
            pi.postmortem && (
              <Badge size="xs" color="gray" variant="light" radius="sm">
                Draft
              </Badge>
            )
          )}
        </Group>
        <Textarea
          aria-label="Postmortem"
          placeholder="What happened, why, and what changes so it does not happen again."
          autosize
          minRows={4}
          maxRows={16}
          value={text}
          error={error}
          readOnly={!canAct}
          onChange={(e) => setText(e.currentTarget.value)}
        />
        {canAct && (
          <Group justify="space-between">
            <Checkbox label="Publish on the status pages" checked={publish} onChange={(e) => setPublish(e.currentTarget.checked)} />
            <Button type="submit" size="sm" variant="light" loading={fetching}>
              Save postmortem
            </Button>
          </Group>
        )}
      </Stack>
    </form>
  );
}

/** The incident as customers read it: the public incident's updates, the composer, the postmortem. */
export function PublicIncidentPanel({
  accountId,
  incident,
  canAct,
}: {
  accountId: string;
  incident: { id: string; title: string; severity: string; component: { id: string; status: ComponentStatus } };
  canAct: boolean;
}) {
  const [{ data, error }, refetch] = useQuery({ query: IncidentPublicQuery, variables: { id: incident.id }, context: publicIncidentContext });
  const pi = data?.incident?.publicIncident ?? null;
  const resolved = pi?.status === 'RESOLVED';

  let body;
  if (error && !data) body = <QueryError error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  else if (!data) body = <Text size="sm" c="dimmed">Loading…</Text>;
  else if (data.incident?.isTest) body = <Text size="sm" c="dimmed">A test incident is never published.</Text>;
  else {
    const updates = [...(pi?.updates ?? [])].reverse();
    body = (
      <Stack gap="md">
        {pi ? (
          <Stack gap={4}>
            <Group gap="xs">
              <Text fw={600}>{pi.title}</Text>
              <Badge variant="light" radius="sm" color={resolved ? 'teal' : 'orange'} data-testid="public-incident-status">
                {PUBLIC_INCIDENT_STATUS[pi.status]}
              </Badge>
              <Badge variant="outline" radius="sm" color="gray">
                Impact: {IMPACT[pi.impact]}
              </Badge>
              {pi.auto && (
                <Badge variant="outline" radius="sm" color="grape">
                  Auto-published
                </Badge>
              )}
            </Group>
            <Text size="xs" c="dimmed">
              {pi.pages.length ? (
                <>
                  Shown on{' '}
                  {pi.pages.map((p, i) => (
                    <span key={p.id}>
                      {i > 0 && ', '}
                      <Anchor href={p.url} target="_blank" rel="noreferrer" size="xs">
                        {p.name}
                      </Anchor>
                    </span>
                  ))}
                </>
              ) : (
                'No status page shows its components.'
              )}
            </Text>
          </Stack>
        ) : (
          <Text size="sm" c="dimmed">
            Nothing published yet. The first update publishes this incident on the status pages that show its components.
          </Text>
        )}
        {updates.length > 0 && (
          <Stack gap="sm" component="ol" aria-label="Published updates" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
            {updates.map((u) => (
              <UpdateItem key={u.id} update={u} canAct={canAct} />
            ))}
          </Stack>
        )}
        {canAct && !resolved && <UpdateComposer key={pi?.id ?? 'first'} accountId={accountId} incident={incident} publicIncident={pi} />}
        {pi && resolved && (
          <>
            <Text size="sm" c="dimmed">
              Resolved <DateTime value={pi.resolvedAt} size="sm" />: correct an update or add a postmortem.
            </Text>
            <PostmortemEditor pi={pi} canAct={canAct} />
          </>
        )}
      </Stack>
    );
  }

  return (
    <Card withBorder radius="md" padding="md" data-testid="public-incident-panel">
      <Title order={2} size="h5" mb="md">
        Status page
      </Title>
      {body}
    </Card>
  );
}
