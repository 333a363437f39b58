import {
  Alert,
  Anchor,
  Breadcrumbs,
  Button,
  Code,
  Group,
  Loader,
  Paper,
  Stack,
  Stepper,
  Text,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconCircleCheck } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useQuery } from 'urql';
import { IntegrationStateBadge } from '@/components/badges';
import { FormErrors } from '@/components/FormErrors';
import { PageHeader } from '@/components/PageHeader';
import { RequireRole } from '@/components/RequireRole';
import { SecretReveal } from '@/components/SecretReveal';
import { splitUserErrors } from '@/lib/graphql/user-errors';
import { CreateIntegrationMutation, IntegrationQuery, integrationsContext } from './api';
import { rejectionFix } from './aws';
import { AwsSetupSteps } from './components/AwsSetupSteps';
import {
  INTEGRATION_FIELDS,
  IntegrationFormFields,
  integrationValidation,
  type IntegrationValues,
} from './components/IntegrationFormFields';
import { useInvalidFocus } from '@/components/FormModal';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';

export const POLL_MS = 3000;

interface Created {
  id: string;
  name: string;
  topic: string;
}

function DetailsStep({ accountId, onCreated }: { accountId: string; onCreated: (c: Created, url: string) => void }) {
  const [general, setGeneral] = useState<string[]>([]);
  const [, create] = useMutationWithErrors(CreateIntegrationMutation, (d) => d.createAwsIntegration, {
    failTitle: 'Could not create the integration',
    context: integrationsContext,
  });
  const form = useForm<IntegrationValues>({
    mode: 'controlled',
    initialValues: { name: '', componentId: null, expectedTopicArn: '', defaultSeverity: 'HIGH' },
    validate: integrationValidation,
  });
  const { ref, focusInvalid, afterSubmit } = useInvalidFocus();
  const submit = form.onSubmit(afterSubmit(async (v) => {
    setGeneral([]);
    const outcome = await create(
      {
        input: {
          accountId,
          name: v.name.trim(),
          componentId: v.componentId!,
          expectedTopicArn: v.expectedTopicArn.trim() || null,
          defaultSeverity: v.defaultSeverity,
        },
      },
    );
    const p = outcome.payload;
    if (!p) return;
    if (p.errors.length || !p.integration || !p.webhookUrl) {
      const { fields, general: other } = splitUserErrors(p.errors, INTEGRATION_FIELDS);
      form.setErrors(fields);
      setGeneral(other.length || Object.keys(fields).length ? other : ['The server did not return the URL.']);
      return;
    }
    onCreated({ id: p.integration.id, name: p.integration.name, topic: v.expectedTopicArn.trim() }, p.webhookUrl);
  }), focusInvalid);
  return (
    <form ref={ref} onSubmit={submit} noValidate>
      <Stack gap="md">
        <FormErrors errors={general} />
        <IntegrationFormFields accountId={accountId} form={form} />
        <Group justify="flex-end">
          <Button variant="default" component={Link} to={`/accounts/${accountId}/integrations`}>
            Cancel
          </Button>
          <Button type="submit" loading={form.submitting}>
            Create and show the URL
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Step 3: reloads the integration every few seconds until SNS's confirmation arrived. */
export function WaitForConfirmation({ accountId, id }: { accountId: string; id: string }) {
  const [{ data, error }, refetch] = useQuery({
    query: IntegrationQuery,
    variables: { id },
    requestPolicy: 'network-only',
  });
  const integ = data?.awsIntegration;
  const confirmed = integ?.state === 'CONFIRMED';
  useEffect(() => {
    if (confirmed) return undefined;
    const t = window.setInterval(() => refetch({ requestPolicy: 'network-only' }), POLL_MS);
    return () => window.clearInterval(t);
  }, [confirmed, refetch]);

  const page = `/accounts/${accountId}/integrations/${id}`;
  const lastRejection = integ?.recentRejections[0];
  return (
    <Stack gap="md" data-testid="confirmation-step">
      <Group gap="sm">
        <Text fw={600}>Subscription state</Text>
        {integ ? <IntegrationStateBadge value={integ.state} size="lg" /> : <Loader size="xs" />}
      </Group>
      {confirmed ? (
        <Alert color="teal" icon={<IconCircleCheck size={18} />} title="Confirmed: alarms can come in">
          SNS confirmed the subscription
          {integ?.topicArn && (
            <>
              {' '}
              of <Code>{integ.topicArn}</Code>
            </>
          )}
          . Switch an alarm to ALARM to try it.
        </Alert>
      ) : (
        <Group gap="sm">
          <Loader size="sm" />
          <Text size="sm" c="dimmed">
            Waiting for SNS to confirm the subscription… This page checks every few seconds. You can
            leave: the integration confirms by itself, and notifications are accepted meanwhile.
          </Text>
        </Group>
      )}
      {!confirmed && lastRejection && (
        <Alert color="red" variant="light" title="SNS's last request was refused" role="alert">
          <Text size="sm">{lastRejection.reason}</Text>
          {rejectionFix(lastRejection.reasonCode) && (
            <Text size="sm" mt={4}>
              {rejectionFix(lastRejection.reasonCode)}
            </Text>
          )}
        </Alert>
      )}
      {error && !data && (
        <Alert color="red" variant="light">
          Could not check the state: {error.message}
        </Alert>
      )}
      <Group justify="flex-end">
        <Button component={Link} to={page} variant={confirmed ? 'filled' : 'default'}>
          Open the integration
        </Button>
      </Group>
    </Stack>
  );
}

export default function NewIntegrationPage() {
  const { accountId = '' } = useParams();
  const navigate = useNavigate();
  const [step, setStep] = useState(0);
  const [created, setCreated] = useState<Created | null>(null);
  // The URL lives only here, and only until the user moves past the reveal.
  const [url, setUrl] = useState<string | null>(null);

  return (
    <>
      <Breadcrumbs mb="xs" fz="sm">
        <Anchor component={Link} to={`/accounts/${accountId}/integrations`}>
          Integrations
        </Anchor>
        <span>New AWS integration</span>
      </Breadcrumbs>
      <PageHeader
        title="New AWS integration"
        description="CloudWatch alarms reach Switchboard through an SNS topic subscribed to a URL of this integration."
      />
      <RequireRole accountId={accountId} role="ADMIN">
        <Paper withBorder radius="md" p="lg" maw={860}>
          <Stepper active={step} allowNextStepsSelect={false} size="sm">
            <Stepper.Step label="Details" description="Name and component">
              <Stack mt="lg">
                <DetailsStep
                  accountId={accountId}
                  onCreated={(c, u) => {
                    setCreated(c);
                    setUrl(u);
                    setStep(1);
                  }}
                />
              </Stack>
            </Stepper.Step>
            <Stepper.Step label="Connect SNS" description="Webhook URL and AWS steps">
              {created && url && (
                <Stack mt="lg" gap="lg">
                  <SecretReveal
                    title={`Webhook URL of “${created.name}”`}
                    label="Webhook URL"
                    value={url}
                    warning="Copy this URL now. You will not see it again."
                    testId="webhook-url"
                    note="Switchboard stores only a hash of its secret part. If you lose it, rotate it to get a new one."
                  >
                    <Text size="sm" c="dimmed">
                      Anyone with this URL can post to it, though only messages signed by AWS SNS are
                      accepted. Treat it as a secret; rotate it if it leaks.
                    </Text>
                  </SecretReveal>
                  <AwsSetupSteps webhookUrl={url} topicArn={created.topic} />
                  <Group justify="flex-end">
                    <Button
                      onClick={() => {
                        setUrl(null);
                        setStep(2);
                      }}
                    >
                      I have subscribed the topic
                    </Button>
                  </Group>
                </Stack>
              )}
            </Stepper.Step>
            <Stepper.Step label="Confirmation" description="SNS confirms the subscription">
              {created && (
                <Stack mt="lg">
                  <WaitForConfirmation accountId={accountId} id={created.id} />
                </Stack>
              )}
            </Stepper.Step>
          </Stepper>
          {step === 1 && !url && (
            <Group mt="md">
              <Button variant="subtle" onClick={() => navigate(`/accounts/${accountId}/integrations`)}>
                Back to integrations
              </Button>
            </Group>
          )}
        </Paper>
      </RequireRole>
    </>
  );
}
