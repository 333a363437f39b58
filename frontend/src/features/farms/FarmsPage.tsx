import { Anchor, Button, Card, Group, Modal, Select, Stack, Table, Text, TextInput, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconPlus, IconServer2 } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { FarmStatusBadge } from '@/components/badges';
import { DateTime } from '@/components/DateTime';
import { EmptyState } from '@/components/EmptyState';
import { LiveBadge } from '@/components/LiveBadge';
import { FormErrors } from '@/components/FormErrors';
import { PageHeader } from '@/components/PageHeader';
import { QueryError } from '@/components/QueryError';
import { TableSkeleton } from '@/components/TableSkeleton';
import { useCurrentEnvironmentId } from '@/lib/current-context';
import { splitUserErrors } from '@/lib/graphql/user-errors';
import { notifyError, notifySuccess } from '@/lib/notify';
import { useEnvironmentOptions } from '@/lib/options';
import { roleAtLeast } from '@/lib/roles';
import type { FarmsQuery as FarmsQueryResult } from '@/gql/graphql';
import { CreateFarmMutation, FarmsQuery, farmsContext } from './api';
import { BILLING_FIELDS, BillingInputs, billingInput, billingValues } from './components/FarmForms';
import { newerFarm, useLiveFarms, type LiveFarms } from './use-live-farms';
import { focusInvalidAfterSubmit } from '@/components/FormModal';

const ALL = 'all';

type ListedFarm = NonNullable<FarmsQueryResult['account']>['farms'][number];

/**
 * The loaded list with what farmChanged pushed merged in: rows change in place, farms created
 * since (in the environment shown) are added at the end.
 */
export function mergeLiveFarms(farms: readonly ListedFarm[], live: LiveFarms | null, environmentId: string | null): ListedFarm[] {
  if (!live) return [...farms];
  const listed = new Set(farms.map((f) => f.id));
  const merged = farms.map((f) => (live.byId[f.id] ? newerFarm(f, live.byId[f.id]) : f));
  const added = live.order
    .filter((id) => !listed.has(id))
    .map((id) => live.byId[id])
    .filter((f) => !environmentId || f.environment.id === environmentId);
  return [...merged, ...added];
}

function NewFarmModal({
  opened,
  onClose,
  environments,
  defaultEnvironmentId,
}: {
  opened: boolean;
  onClose: () => void;
  environments: { value: string; label: string }[];
  defaultEnvironmentId: string | null;
}) {
  const [general, setGeneral] = useState<string[]>([]);
  const [, create] = useMutation(CreateFarmMutation);
  const form = useForm({
    mode: 'controlled',
    initialValues: { environmentId: defaultEnvironmentId, name: '', description: '', ownerEmail: '', ...billingValues() },
    validate: {
      environmentId: (v: string | null) => (v ? null : 'Pick an environment'),
      name: (v: string) => (v.trim() ? null : 'Name is required'),
    },
  });
  const submit = form.onSubmit(async (v) => {
    setGeneral([]);
    const result = await create(
      {
        input: {
          environmentId: v.environmentId!,
          name: v.name.trim(),
          description: v.description.trim(),
          ownerEmail: v.ownerEmail.trim(),
          ...billingInput(v),
        },
      },
      farmsContext,
    );
    if (result.error) return notifyError(result.error, 'Could not create the farm');
    const p = result.data?.createFarm;
    if (!p) return;
    if (p.errors.length) {
      const { fields, general: other } = splitUserErrors(p.errors, ['environmentId', 'name', 'description', 'ownerEmail', ...BILLING_FIELDS]);
      form.setErrors(fields);
      setGeneral(other);
      return;
    }
    notifySuccess(`Created farm ${v.name.trim()}.`);
    form.reset();
    onClose();
  });
  return (
    <Modal opened={opened} onClose={onClose} title="New farm" centered size="lg">
      <form onSubmit={submit} onSubmitCapture={focusInvalidAfterSubmit} noValidate>
        <Stack gap="md">
          <FormErrors errors={general} />
          <Select
            label="Environment"
            required
            data={environments}
            allowDeselect={false}
            comboboxProps={{ withinPortal: true }}
            {...form.getInputProps('environmentId')}
          />
          <TextInput label="Name" required data-autofocus {...form.getInputProps('name')} />
          <Textarea label="Description" autosize minRows={2} {...form.getInputProps('description')} />
          <TextInput label="Owner email" type="email" {...form.getInputProps('ownerEmail')} />
          <BillingInputs inputProps={(k) => form.getInputProps(k)} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={form.submitting}>
              Create farm
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

export default function FarmsPage() {
  const { accountId = '' } = useParams();
  const [currentEnv] = useCurrentEnvironmentId(accountId);
  const [picked, setPicked] = useState<string | null>(null);
  const envFilter = picked ?? currentEnv ?? ALL;
  const { options: envOptions } = useEnvironmentOptions(accountId);
  const [{ data, fetching, error }, refetch] = useQuery({
    query: FarmsQuery,
    variables: { accountId, environmentId: envFilter === ALL ? null : envFilter },
    context: farmsContext,
  });
  const [creating, setCreating] = useState(false);
  const account = data?.account;
  const canAct = roleAtLeast(account?.myRole, 'MEMBER');
  const { live, error: liveError } = useLiveFarms(accountId);
  const farms = useMemo(
    () => mergeLiveFarms(account?.farms ?? [], live, envFilter === ALL ? null : envFilter),
    [account, live, envFilter],
  );
  const base = `/accounts/${accountId}/farms`;

  let body;
  if (error && !data) body = <QueryError error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  else if (fetching && !data) body = <TableSkeleton label="Loading farms" />;
  else if (!account) body = <EmptyState title="Account not found" />;
  else if (farms.length === 0) {
    body = (
      <EmptyState
        icon={<IconServer2 size={24} />}
        title={envFilter === ALL ? 'No farms yet' : 'No farms in this environment'}
        action={
          envFilter !== ALL && (
            <Button variant="light" onClick={() => setPicked(ALL)}>
              Show all environments
            </Button>
          )
        }
      >
        Farms are groups of servers, reported through the API by whatever provisions them. Their
        lifecycle events (launch, terminate…) can be sent to webhooks.
      </EmptyState>
    );
  } else {
    body = (
      <Table.ScrollContainer minWidth={760}>
        <Table verticalSpacing="sm" highlightOnHover aria-label="Farms">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th w={170}>Status</Table.Th>
              <Table.Th w={150}>Environment</Table.Th>
              <Table.Th w={90}>Roles</Table.Th>
              <Table.Th w={90}>Servers</Table.Th>
              <Table.Th>Owner</Table.Th>
              <Table.Th w={130}>Updated</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {farms.map((f) => (
              <Table.Tr key={f.id} data-farm-id={f.id} data-status={f.status}>
                <Table.Td>
                  <Anchor component={Link} to={`${base}/${f.id}`} fw={500} size="sm">
                    {f.name}
                  </Anchor>
                  {f.description && (
                    <Text size="xs" c="dimmed" lineClamp={1}>
                      {f.description}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <FarmStatusBadge value={f.status} launchedOnce={f.launchedOnce} />
                  {f.pendingApproval && (
                    <Text size="xs" c="dimmed" truncate maw={170}>
                      waiting for {f.pendingApproval.endpoint?.name ?? 'approval'}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{f.environment.name}</Text>
                </Table.Td>
                <Table.Td>{f.roles.length}</Table.Td>
                <Table.Td>{f.servers.length}</Table.Td>
                <Table.Td>
                  <Text size="sm">{f.ownerEmail || '—'}</Text>
                </Table.Td>
                <Table.Td>
                  <DateTime value={f.updatedAt} size="sm" />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    );
  }

  return (
    <>
      <PageHeader
        title="Farms"
        description="Groups of servers per environment, with their roles, servers and variables."
        actions={
          <>
            <LiveBadge failed={Boolean(liveError)} hint="Status changes and approval decisions appear without reloading" />
            {canAct && (
              <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)} disabled={envOptions.length === 0}>
                New farm
              </Button>
            )}
          </>
        }
      />
      <Stack gap="md">
        <Group>
          <Select
            aria-label="Environment"
            data={[{ value: ALL, label: 'All environments' }, ...envOptions]}
            value={envFilter}
            onChange={(v) => setPicked(v ?? ALL)}
            allowDeselect={false}
            w={220}
            comboboxProps={{ withinPortal: true }}
          />
        </Group>
        <Card withBorder padding={0} radius="md">
          <Card.Section p="md">{body}</Card.Section>
        </Card>
      </Stack>
      {canAct && (
        <NewFarmModal
          key={envFilter}
          opened={creating}
          onClose={() => setCreating(false)}
          environments={envOptions}
          defaultEnvironmentId={envFilter === ALL ? (currentEnv ?? null) : envFilter}
        />
      )}
    </>
  );
}
