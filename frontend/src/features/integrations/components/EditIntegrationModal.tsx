import { useForm } from '@mantine/form';
import { FormModal } from '@/components/FormModal';
import type { IntegrationDetailFieldsFragment } from '@/gql/graphql';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';
import { UpdateIntegrationMutation, integrationsContext } from '../api';
import {
  INTEGRATION_FIELDS,
  IntegrationFormFields,
  integrationValidation,
  type IntegrationValues,
} from './IntegrationFormFields';

export function EditIntegrationModal({
  integration,
  opened,
  onClose,
}: {
  integration: IntegrationDetailFieldsFragment;
  opened: boolean;
  onClose: () => void;
}) {
  const [, update] = useMutationWithErrors(UpdateIntegrationMutation, (d) => d.updateAwsIntegration, {
    failTitle: 'Could not save the integration',
    context: integrationsContext,
  });
  const form = useForm<IntegrationValues>({
    mode: 'controlled',
    initialValues: { name: '', componentId: null, expectedTopicArn: '', defaultSeverity: 'HIGH' },
    validate: integrationValidation,
  });

  return (
    <FormModal
      opened={opened}
      onClose={onClose}
      title={`Edit ${integration.name}`}
      size="lg"
      form={form}
      values={{
        name: integration.name,
        componentId: integration.component.id,
        expectedTopicArn: integration.expectedTopicArn,
        defaultSeverity: integration.defaultSeverity,
      }}
      resetKey={integration.id}
      fields={INTEGRATION_FIELDS}
      submitLabel="Save"
      onSubmit={(v) =>
        update(
          {
            input: {
              id: integration.id,
              name: v.name.trim(),
              componentId: v.componentId!,
              expectedTopicArn: v.expectedTopicArn.trim(),
              defaultSeverity: v.defaultSeverity,
            },
          },
          { success: 'Saved.' },
        )
      }
    >
      <IntegrationFormFields accountId={integration.accountId} form={form} />
    </FormModal>
  );
}
