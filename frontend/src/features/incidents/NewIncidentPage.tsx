import { Anchor, Breadcrumbs, Button, Group, Paper, Select, Stack, TextInput, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { SEVERITY, options } from '@/components/badges';
import { EmptyState } from '@/components/EmptyState';
import { FormErrors } from '@/components/FormErrors';
import { useInvalidFocus } from '@/components/FormModal';
import { PageHeader } from '@/components/PageHeader';
import { RequireRole } from '@/components/RequireRole';
import { TableSkeleton } from '@/components/TableSkeleton';
import type { Severity } from '@/gql/graphql';
import { splitUserErrors } from '@/lib/graphql/user-errors';
import { notifySuccess } from '@/lib/notify';
import { useComponentOptions, usePolicyOptions } from '@/lib/options';
import { CreateIncidentMutation, incidentsContext } from './api';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';

interface Values {
  componentId: string | null;
  title: string;
  severity: Severity;
  description: string;
  escalationPolicyId: string | null;
}

function NewIncidentForm({ accountId }: { accountId: string }) {
  const navigate = useNavigate();
  const list = `/accounts/${accountId}/incidents`;
  const { options: componentOptions, components, loaded } = useComponentOptions(accountId);
  const { options: policyOptions } = usePolicyOptions(accountId);
  const [general, setGeneral] = useState<string[]>([]);
  const [, create] = useMutationWithErrors(CreateIncidentMutation, (d) => d.createIncident, {
    failTitle: 'Could not open the incident',
    context: incidentsContext,
  });
  const { ref: formRef, focusInvalid } = useInvalidFocus();
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: { componentId: null, title: '', severity: 'HIGH', description: '', escalationPolicyId: null },
    validate: {
      componentId: (v) => (v ? null : 'Pick the component it is about'),
      title: (v) => (!v.trim() ? 'Title is required' : v.trim().length > 200 ? 'Use at most 200 characters' : null),
    },
  });

  const submit = form.onSubmit(async (v) => {
    setGeneral([]);
    const outcome = await create(
      {
        input: {
          componentId: v.componentId!,
          title: v.title.trim(),
          severity: v.severity,
          description: v.description.trim() || null,
          ...(v.escalationPolicyId ? { escalationPolicyId: v.escalationPolicyId } : {}),
        },
      },
    );
    const payload = outcome.payload;
    if (!payload) return;
    if (payload.errors.length || !payload.incident) {
      const { fields, general: other } = splitUserErrors(payload.errors, ['componentId', 'title', 'severity', 'description', 'escalationPolicyId']);
      form.setErrors(fields);
      setGeneral(other);
      focusInvalid();
      return;
    }
    notifySuccess('Incident opened.');
    navigate(`${list}/${payload.incident.id}`);
  }, focusInvalid);

  if (!loaded) return <TableSkeleton label="Loading components" />;
  if (components.length === 0) {
    return (
      <EmptyState
        title="No components yet"
        action={
          <Button component={Link} to={`/accounts/${accountId}/components`} variant="light">
            Go to components
          </Button>
        }
      >
        An incident is always about a component. Ask an admin to create one.
      </EmptyState>
    );
  }

  return (
    <Paper withBorder radius="md" p="lg" maw={640}>
      <form ref={formRef} onSubmit={submit} noValidate>
        <Stack gap="md">
          <FormErrors errors={general} />
          <Select
            label="Component"
            required
            searchable
            data={componentOptions}
            comboboxProps={{ withinPortal: true }}
            {...form.getInputProps('componentId')}
          />
          <TextInput label="Title" required placeholder="Checkout latency above 2 s" {...form.getInputProps('title')} />
          <Select
            label="Severity"
            required
            allowDeselect={false}
            data={options(SEVERITY)}
            comboboxProps={{ withinPortal: true }}
            {...form.getInputProps('severity')}
          />
          <Textarea
            label="Description"
            description="Optional; becomes the first timeline entry."
            autosize
            minRows={3}
            {...form.getInputProps('description')}
          />
          <Select
            label="Escalation policy"
            description="Optional: overrides the component’s policy for this incident."
            placeholder="The component’s policy"
            clearable
            data={policyOptions}
            comboboxProps={{ withinPortal: true }}
            {...form.getInputProps('escalationPolicyId')}
          />
          <Group justify="flex-end">
            <Button variant="default" component={Link} to={list}>
              Cancel
            </Button>
            <Button type="submit" color="red" loading={form.submitting}>
              Open incident
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

export default function NewIncidentPage() {
  const { accountId = '' } = useParams();
  return (
    <>
      <Breadcrumbs mb="xs" fz="sm">
        <Anchor component={Link} to={`/accounts/${accountId}/incidents`}>
          Incidents
        </Anchor>
        <span>New incident</span>
      </Breadcrumbs>
      <PageHeader title="New incident" description="Open an incident by hand, e.g. for something a person noticed." />
      <RequireRole accountId={accountId} role="MEMBER">
        <NewIncidentForm accountId={accountId} />
      </RequireRole>
    </>
  );
}
