import { Anchor, Card, Group, Select, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';
import { usePolicyOptions } from '@/lib/options';
import { SetEscalationPolicyMutation, policiesContext } from '@/lib/escalation';

/**
 * The escalation policy of a component or an AWS integration: shown to everyone, changed by
 * admins (setEscalationPolicy; clearing detaches).
 */
export function PolicyAttachCard({
  accountId,
  targetId,
  policy,
  canEdit,
  fallback,
}: {
  accountId: string;
  targetId: string;
  policy: { id: string; name: string } | null | undefined;
  canEdit: boolean;
  /** What applies when none is set here, e.g. "the component’s policy". */
  fallback: string;
}) {
  const { options } = usePolicyOptions(accountId, !canEdit);
  const [state, attach] = useMutationWithErrors(SetEscalationPolicyMutation, (d) => d.setEscalationPolicy, {
    failTitle: 'Could not change the escalation policy',
    context: policiesContext,
  });
  const data = policy && !options.some((o) => o.value === policy.id) ? [...options, { value: policy.id, label: policy.name }] : options;
  return (
    <Card withBorder radius="md" padding="md" component="section" aria-labelledby={`policy-${targetId}`}>
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <div>
          <Title order={2} size="h5" id={`policy-${targetId}`}>
            Escalation policy
          </Title>
          <Text size="xs" c="dimmed">
            None here: {fallback} applies.
          </Text>
        </div>
        {canEdit ? (
          <Select
            aria-label="Escalation policy"
            placeholder={`None (${fallback})`}
            clearable
            w={300}
            disabled={state.fetching}
            data={data}
            value={policy?.id ?? null}
            comboboxProps={{ withinPortal: true }}
            onChange={(v) =>
              attach(
                { input: { targetId, policyId: v } },
                { success: v ? 'Escalation policy attached.' : 'Escalation policy detached.', notifyUserErrors: true },
              )
            }
          />
        ) : policy ? (
          <Anchor component={Link} to={`/accounts/${accountId}/escalation-policies/${policy.id}`} size="sm">
            {policy.name}
          </Anchor>
        ) : (
          <Text size="sm" c="dimmed">
            None
          </Text>
        )}
      </Group>
    </Card>
  );
}
