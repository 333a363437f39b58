import { Button, Drawer, Group, NumberInput, SegmentedControl, Stack, Switch, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useQuery } from 'urql';
import { PublicStatusText } from '@/components/PublicStatus';
import { QueryError } from '@/components/QueryError';
import { TableSkeleton } from '@/components/TableSkeleton';
import { UptimeBars, formatUptime } from '@/components/UptimeBars';
import type { UptimeSource } from '@/gql/graphql';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';
import { splitUserErrors } from '@/lib/graphql/user-errors';
import { ComponentStatusPageQuery, SetComponentAutoPublishMutation, componentsContext } from '../api';
import { useInvalidFocus } from '@/components/FormModal';

function AutoPublishForm({
  componentId,
  enabled,
  afterMinutes,
  canManage,
}: {
  componentId: string;
  enabled: boolean;
  afterMinutes: number;
  canManage: boolean;
}) {
  const [on, setOn] = useState(enabled);
  const [minutes, setMinutes] = useState<number | string>(afterMinutes || 10);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setOn(enabled);
    setMinutes(afterMinutes || 10);
  }, [enabled, afterMinutes]);
  const [{ fetching }, save] = useMutationWithErrors(SetComponentAutoPublishMutation, (d) => d.setComponentAutoPublish, {
    failTitle: 'Could not save auto-publish',
    context: componentsContext,
  });
  const { ref, afterSubmit } = useInvalidFocus();
  async function submit(e: React.FormEvent) {
    e.preventDefault();
    const n = typeof minutes === 'number' ? minutes : Number(minutes);
    if (on && (!Number.isInteger(n) || n < 1 || n > 1440)) {
      setError('Between 1 and 1440 minutes');
      return;
    }
    const out = await save(
      { input: { componentId, autoPublish: on, ...(on ? { afterMinutes: n } : {}) } },
      { success: on ? `Auto-publish on, after ${n} minutes.` : 'Auto-publish off.' },
    );
    setError(out.ok ? null : (splitUserErrors(out.errors, ['afterMinutes']).fields.afterMinutes ?? out.errors.map((x) => x.message).join('\n')) || null);
  }
  return (
    <form ref={ref} onSubmit={afterSubmit(submit)} noValidate aria-label="Auto-publish">
      <Stack gap="xs">
        <Title order={3} size="h5">
          Auto-publish
        </Title>
        <Text size="sm" c="dimmed">
          A CloudWatch incident on this component that has not recovered after the delay is posted to the status pages as
          “Investigating”; “Resolved” is posted when the incident resolves. An alarm that recovers in time publishes nothing.
        </Text>
        <Switch label="Publish CloudWatch incidents automatically" checked={on} disabled={!canManage} onChange={(e) => setOn(e.currentTarget.checked)} />
        <NumberInput
          label="After (minutes)"
          min={1}
          max={1440}
          allowDecimal={false}
          disabled={!canManage || !on}
          value={minutes}
          error={error}
          onChange={setMinutes}
        />
        {canManage && (
          <Group justify="flex-end">
            <Button type="submit" size="sm" loading={fetching}>
              Save auto-publish
            </Button>
          </Group>
        )}
      </Stack>
    </form>
  );
}

/** A component's status-page side: what customers read, its 90-day uptime and the auto-publish rule. */
export function ComponentStatusDrawer({
  componentId,
  name,
  canManage,
  onClose,
}: {
  componentId: string | null;
  name: string;
  canManage: boolean;
  onClose: () => void;
}) {
  const [source, setSource] = useState<UptimeSource>('PUBLISHED');
  const [{ data, error }, refetch] = useQuery({
    query: ComponentStatusPageQuery,
    variables: { id: componentId ?? '', source },
    context: componentsContext,
    pause: !componentId,
  });
  const c = data?.component;

  let body;
  if (error && !data) body = <QueryError error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  else if (!c) body = <TableSkeleton label="Loading the component" rows={3} />;
  else {
    body = (
      <Stack gap="lg">
        <Group gap="xs">
          <Text size="sm" c="dimmed">
            Customers read:
          </Text>
          <PublicStatusText value={c.publicStatus} />
        </Group>
        <Stack gap="xs">
          <Group justify="space-between">
            <Title order={3} size="h5">
              Uptime, last 90 days
            </Title>
            <Text size="sm" fw={600} data-testid="uptime-percent">
              {formatUptime(c.uptime.percent)}
            </Text>
          </Group>
          <SegmentedControl
            aria-label="Uptime source"
            value={source}
            onChange={(v) => setSource(v as UptimeSource)}
            data={[
              { value: 'PUBLISHED', label: 'Published' },
              { value: 'INTERNAL', label: 'Internal' },
            ]}
          />
          <Text size="xs" c="dimmed">
            {source === 'PUBLISHED'
              ? 'What the status pages said (the public bars).'
              : 'From incidents and the manual override: what really happened.'}
          </Text>
          <UptimeBars days={c.uptime.days} label={`Uptime of ${c.name}, last 90 days, oldest first`} />
        </Stack>
        <AutoPublishForm componentId={c.id} enabled={c.autoPublish} afterMinutes={c.autoPublishAfterMinutes} canManage={canManage} />
      </Stack>
    );
  }

  return (
    <Drawer opened={Boolean(componentId)} onClose={onClose} position="right" size="lg" title={`${name}: status page`}>
      {body}
    </Drawer>
  );
}
