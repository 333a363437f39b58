import { Button, Group, Modal, Stack } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useEffect, useState } from 'react';
import { useMutation } from 'urql';
import { FormErrors } from '@/components/FormErrors';
import type { IntegrationDetailFieldsFragment } from '@/gql/graphql';
import { splitUserErrors } from '@/lib/graphql/user-errors';
import { notifyError, notifySuccess } from '@/lib/notify';
import { UpdateIntegrationMutation, integrationsContext } from '../api';
import {
  INTEGRATION_FIELDS,
  IntegrationFormFields,
  integrationValidation,
  type IntegrationValues,
} from './IntegrationFormFields';
import { useInvalidFocus } from '@/components/FormModal';

export function EditIntegrationModal({
  integration,
  opened,
  onClose,
}: {
  integration: IntegrationDetailFieldsFragment;
  opened: boolean;
  onClose: () => void;
}) {
  const [general, setGeneral] = useState<string[]>([]);
  const [, update] = useMutation(UpdateIntegrationMutation);
  const form = useForm<IntegrationValues>({
    mode: 'controlled',
    initialValues: { name: '', componentId: null, expectedTopicArn: '', defaultSeverity: 'HIGH' },
    validate: integrationValidation,
  });
  useEffect(() => {
    if (opened) {
      setGeneral([]);
      form.setValues({
        name: integration.name,
        componentId: integration.component.id,
        expectedTopicArn: integration.expectedTopicArn,
        defaultSeverity: integration.defaultSeverity,
      });
      form.clearErrors();
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [opened, integration.id]);

  const { ref, focusInvalid, afterSubmit } = useInvalidFocus();

  const submit = form.onSubmit(afterSubmit(async (v) => {
    setGeneral([]);
    const result = await update(
      {
        input: {
          id: integration.id,
          name: v.name.trim(),
          componentId: v.componentId!,
          expectedTopicArn: v.expectedTopicArn.trim(),
          defaultSeverity: v.defaultSeverity,
        },
      },
      integrationsContext,
    );
    if (result.error) {
      notifyError(result.error, 'Could not save the integration');
      return;
    }
    const p = result.data?.updateAwsIntegration;
    if (!p) return;
    if (p.errors.length) {
      const { fields, general: other } = splitUserErrors(p.errors, INTEGRATION_FIELDS);
      form.setErrors(fields);
      setGeneral(other);
      return;
    }
    notifySuccess('Saved.');
    onClose();
  }), focusInvalid);

  return (
    <Modal opened={opened} onClose={onClose} title={`Edit ${integration.name}`} centered size="lg">
      <form ref={ref} onSubmit={submit} noValidate>
        <Stack gap="md">
          <FormErrors errors={general} />
          <IntegrationFormFields accountId={integration.accountId} form={form} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={form.submitting}>
              Save
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
