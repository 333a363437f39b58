import { Select, Stack, TextInput } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import { SEVERITY, options } from '@/components/badges';
import type { Severity } from '@/gql/graphql';
import { useComponentOptions } from '@/lib/options';
import { parseTopicArn } from '../aws';

export interface IntegrationValues extends Record<string, unknown> {
  name: string;
  componentId: string | null;
  expectedTopicArn: string;
  defaultSeverity: Severity;
}

export const INTEGRATION_FIELDS = ['name', 'componentId', 'expectedTopicArn', 'defaultSeverity'];

export const integrationValidation = {
  name: (v: string) => (!v.trim() ? 'Name is required' : v.trim().length > 100 ? 'Use at most 100 characters' : null),
  componentId: (v: string | null) => (v ? null : 'Pick the component its incidents open on'),
  expectedTopicArn: (v: string) => (v.trim() && !parseTopicArn(v) ? 'Enter an SNS topic ARN, or leave it empty' : null),
};

export function IntegrationFormFields({
  accountId,
  form,
}: {
  accountId: string;
  form: UseFormReturnType<IntegrationValues>;
}) {
  const { options: componentOptions } = useComponentOptions(accountId);
  return (
    <Stack gap="md">
      <TextInput
        label="Name"
        description="E.g. “Production alarms (us-east-1)”"
        required
        data-autofocus
        {...form.getInputProps('name')}
      />
      <Select
        label="Component"
        description="Incidents from these alarms open on this component."
        required
        searchable
        data={componentOptions}
        nothingFoundMessage="No components. Create one first."
        comboboxProps={{ withinPortal: true }}
        {...form.getInputProps('componentId')}
      />
      <TextInput
        label="Expected topic ARN"
        description="Optional. If set, only this topic can ever subscribe; otherwise the first topic to confirm is pinned."
        placeholder="arn:aws:sns:us-east-1:123456789012:alarms"
        {...form.getInputProps('expectedTopicArn')}
      />
      <Select
        label="Default severity"
        description="Severity of the incidents its alarms open."
        allowDeselect={false}
        data={options(SEVERITY)}
        comboboxProps={{ withinPortal: true }}
        {...form.getInputProps('defaultSeverity')}
      />
    </Stack>
  );
}
