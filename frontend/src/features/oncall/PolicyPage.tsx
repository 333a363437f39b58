import { Anchor, Badge, Breadcrumbs, Button, Card, Group, Paper, Text, Title } from '@mantine/core';
import { IconTrash } from '@tabler/icons-react';
import { Link, useNavigate, useParams } from 'react-router';
import { useQuery } from 'urql';
import { EmptyState } from '@/components/EmptyState';
import { PageHeader } from '@/components/PageHeader';
import { QueryError } from '@/components/QueryError';
import { TableSkeleton } from '@/components/TableSkeleton';
import { confirmDanger } from '@/components/confirm';
import { useAccountRole } from '@/lib/account-role';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';
import { roleAtLeast } from '@/lib/roles';
import { CreatePolicyMutation, DeletePolicyMutation, PolicyQuery, UpdatePolicyMutation, policiesContext } from './api';
import { PolicyEditor } from './components/PolicyEditor';
import { PolicySlackChannel } from './components/PolicySlackChannel';

/** `escalation-policies/new` creates; `escalation-policies/:policyId` edits (admins) or shows. */
export default function PolicyPage() {
  const { accountId = '', policyId = 'new' } = useParams();
  const isNew = policyId === 'new';
  const navigate = useNavigate();
  const list = `/accounts/${accountId}/escalation-policies`;
  const { role, loaded: roleLoaded } = useAccountRole(accountId);
  const [{ data, error, fetching }, refetch] = useQuery({
    query: PolicyQuery,
    variables: { accountId, id: policyId },
    context: policiesContext,
    pause: isNew,
  });
  const [, create] = useMutationWithErrors(CreatePolicyMutation, (d) => d.createEscalationPolicy, {
    failTitle: 'Could not create the policy',
    context: policiesContext,
  });
  const [, update] = useMutationWithErrors(UpdatePolicyMutation, (d) => d.updateEscalationPolicy, {
    failTitle: 'Could not save the policy',
    context: policiesContext,
  });
  const [, remove] = useMutationWithErrors(DeletePolicyMutation, (d) => d.deleteEscalationPolicy, {
    failTitle: 'Could not delete the policy',
    context: policiesContext,
  });
  const policy = data?.account?.escalationPolicy ?? null;
  const canEdit = roleAtLeast(role, 'ADMIN');

  const crumbs = (
    <Breadcrumbs mb="xs" fz="sm">
      <Anchor component={Link} to={list}>
        Escalation policies
      </Anchor>
      <span>{isNew ? 'New policy' : (policy?.name ?? 'Policy')}</span>
    </Breadcrumbs>
  );
  if (!isNew) {
    if (error && !data) return <>{crumbs}<QueryError error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} /></>;
    if (fetching && !data) return <>{crumbs}<TableSkeleton label="Loading the policy" /></>;
    if (!policy) {
      return (
        <>
          {crumbs}
          <EmptyState title="Policy not found">It does not exist, or it belongs to another account.</EmptyState>
        </>
      );
    }
  }
  if (isNew && roleLoaded && !canEdit) {
    return (
      <>
        {crumbs}
        <EmptyState title="Admin access required">Only admins create escalation policies.</EmptyState>
      </>
    );
  }

  async function onDelete() {
    if (!policy) return;
    const ok = await confirmDanger({
      title: `Delete ${policy.name}?`,
      message: 'Components and integrations that use it must be changed first.',
      confirmLabel: 'Delete policy',
    });
    if (!ok) return;
    const out = await remove({ id: policy.id }, { success: `Deleted ${policy.name}.`, notifyUserErrors: true });
    if (out.ok) navigate(list);
  }

  return (
    <>
      {crumbs}
      <PageHeader
        title={isNew ? 'New escalation policy' : policy!.name}
        actions={
          !isNew &&
          canEdit && (
            <Button variant="subtle" color="red" leftSection={<IconTrash size={16} />} onClick={onDelete}>
              Delete
            </Button>
          )
        }
      />
      <Paper withBorder radius="md" p="lg" maw={760}>
        <PolicyEditor
          accountId={accountId}
          policy={policy}
          canEdit={canEdit}
          submitLabel={isNew ? 'Create policy' : 'Save policy'}
          onCancel={() => navigate(list)}
          onSubmit={async (input) => {
            if (isNew) {
              const out = await create({ input: { accountId, ...input } }, { success: `Created ${input.name}.` });
              if (out.ok && out.payload.policy) navigate(`${list}/${out.payload.policy.id}`);
              return out;
            }
            return update({ input: { id: policy!.id, ...input } }, { success: `Saved ${input.name}.` });
          }}
        />
      </Paper>
      {policy && <PolicySlackChannel policyId={policy.id} channel={policy.slackChannel} canEdit={canEdit} />}
      {policy && (
        <Card withBorder radius="md" padding="md" mt="lg" maw={760} component="section" aria-labelledby="used-by">
          <Title order={2} size="h5" mb="sm" id="used-by">
            Components using it
          </Title>
          {policy.components.length === 0 ? (
            <Text size="sm" c="dimmed">
              None yet. Attach it from a component’s edit form.
            </Text>
          ) : (
            <Group gap="xs">
              {policy.components.map((c) => (
                <Badge key={c.id} variant="light" color="gray">
                  {c.name}
                </Badge>
              ))}
            </Group>
          )}
        </Card>
      )}
    </>
  );
}
