import {
  Accordion,
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { IconRefresh } from '@tabler/icons-react';
import { useEffect } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { CodeBlock } from '@/components/CodeBlock';
import { DeliveryStatusBadge } from '@/components/badges';
import { DateTime } from '@/components/DateTime';
import { DetailList } from '@/components/DetailList';
import { QueryError } from '@/components/QueryError';
import { TableSkeleton } from '@/components/TableSkeleton';
import type { DeliveryQuery as DeliveryQueryResult } from '@/gql/graphql';
import { formatDateTime } from '@/lib/format';
import { payloadOrNotify } from '@/lib/graphql/mutation';
import { notifySuccess } from '@/lib/notify';
import { DeliveryQuery, ResendDeliveryMutation, deliveriesContext } from '../api';
import { prettyJson } from '../filters';

type Attempt = NonNullable<DeliveryQueryResult['delivery']>['attemptDetails'][number];

function Headers({ headers, label }: { headers: readonly { key: string; value: string }[]; label: string }) {
  if (headers.length === 0) {
    return (
      <Text size="xs" c="dimmed">
        None recorded
      </Text>
    );
  }
  return (
    <Table verticalSpacing={2} fz="xs" aria-label={label} withRowBorders={false}>
      <Table.Tbody>
        {headers.map((h, i) => (
          <Table.Tr key={`${h.key}-${i}`}>
            <Table.Td w="35%" ff="monospace" fw={600} style={{ verticalAlign: 'top' }}>
              {h.key}
            </Table.Td>
            <Table.Td ff="monospace" style={{ wordBreak: 'break-all' }}>
              {h.value}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function codeColor(code: number | null | undefined) {
  if (code == null) return 'gray';
  if (code >= 200 && code < 300) return 'teal';
  if (code >= 300 && code < 400) return 'blue';
  if (code >= 400 && code < 500) return 'orange';
  return 'red';
}

function AttemptPanel({ a }: { a: Attempt }) {
  return (
    <Stack gap="sm" data-testid={`attempt-${a.number}`}>
      <DetailList
        cols={2}
        items={[
          { label: 'Started', value: formatDateTime(a.startedAt) },
          { label: 'Duration', value: a.durationMs != null ? `${a.durationMs} ms` : a.finishedAt ? '—' : 'In progress' },
          { label: 'URL', value: <Text span size="xs" ff="monospace">{a.url}</Text> },
          { label: 'Remote address', value: <Text span size="xs" ff="monospace" data-testid="remote-addr">{a.remoteAddr || '—'}</Text> },
          {
            label: 'Status code',
            value: a.statusCode != null ? <Badge color={codeColor(a.statusCode)} variant="light" data-testid="status-code">{a.statusCode}</Badge> : '—',
          },
          {
            label: 'Error',
            value: (
              <Text span size="sm" c="red">
                {a.errorClass}
                {a.errorMessage ? `: ${a.errorMessage}` : ''}
              </Text>
            ),
            hidden: !a.errorClass && !a.errorMessage,
          },
        ]}
      />
      <Title order={4} size="h6">
        Request headers
      </Title>
      <Headers headers={a.requestHeaders} label={`Request headers of attempt ${a.number}`} />
      <Title order={4} size="h6">
        Response headers
      </Title>
      <Headers headers={a.responseHeaders} label={`Response headers of attempt ${a.number}`} />
      <Title order={4} size="h6">
        Response body <Text span size="xs" c="dimmed">(first 4 KiB)</Text>
      </Title>
      {a.responseBody ? (
        <CodeBlock maxHeight={240} label="Copy response body">
          {prettyJson(a.responseBody)}
        </CodeBlock>
      ) : (
        <Text size="xs" c="dimmed">
          Empty
        </Text>
      )}
    </Stack>
  );
}

/** One delivery: what was sent (the exact payload) and every attempt's request and response. */
export function DeliveryDetail({
  accountId,
  id,
  liveSeq,
  canResend,
}: {
  accountId: string;
  id: string;
  /** Changes when the live feed reported this delivery: reload it. */
  liveSeq: number;
  canResend: boolean;
}) {
  const [{ data, fetching, error }, refetch] = useQuery({ query: DeliveryQuery, variables: { id }, context: deliveriesContext });
  const [{ fetching: resending }, resend] = useMutation(ResendDeliveryMutation);
  useEffect(() => {
    if (liveSeq > 0) refetch({ requestPolicy: 'network-only' });
  }, [liveSeq, refetch]);

  if (error && !data) return <QueryError error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (fetching && !data) return <TableSkeleton label="Loading the delivery" />;
  const d = data?.delivery;
  if (!d) return <Alert color="gray">This delivery no longer exists (retention may have removed it).</Alert>;

  const finished = d.status === 'SUCCEEDED' || d.status === 'FAILED';
  async function onResend() {
    if (payloadOrNotify(await resend({ input: { id } }, deliveriesContext), (r) => r.resendDelivery, 'Could not resend')) {
      notifySuccess('Queued again: same payload and id, fresh attempts.');
    }
  }

  return (
    <Stack gap="md" data-testid="delivery-detail">
      <Group justify="space-between">
        <Group gap="sm">
          <DeliveryStatusBadge value={d.status} size="lg" />
          <Text ff="monospace" fw={600}>
            {d.eventName}
          </Text>
        </Group>
        {canResend && finished && (
          <Button size="xs" variant="light" leftSection={<IconRefresh size={14} />} onClick={onResend} loading={resending}>
            Resend
          </Button>
        )}
      </Group>
      <DetailList
        cols={2}
        items={[
          { label: 'Endpoint', value: d.endpoint ? `${d.endpoint.name}` : '—' },
          { label: 'Webhook', value: d.webhook?.name ?? '—' },
          { label: 'Attempts', value: `${d.attempts} of ${d.maxAttempts}` },
          { label: 'Last status code', value: d.lastStatusCode ?? '—' },
          { label: 'Queued', value: <DateTime value={d.createdAt} size="sm" /> },
          { label: 'Finished', value: <DateTime value={d.completedAt} empty="Not yet" size="sm" /> },
          { label: 'Next attempt', value: <DateTime value={d.nextAttemptAt} size="sm" />, hidden: !d.nextAttemptAt || finished },
          {
            label: 'Event',
            value: d.event ? <Anchor component={Link} to={`/accounts/${accountId}/events/${d.event.id}`} size="sm">Open the event</Anchor> : '—',
          },
          { label: 'Delivery id', value: <Text span size="xs" ff="monospace">{d.id}</Text> },
        ]}
      />
      {d.lastError && (
        <Alert color="red" variant="light" p="xs">
          {d.lastError}
        </Alert>
      )}
      <div>
        <Group justify="space-between" mb={4}>
          <Title order={3} size="h6">
            Payload
          </Title>
          <Text size="xs" c="dimmed">
            Shown formatted; Copy gives the exact bytes sent
          </Text>
        </Group>
        <CodeBlockExact raw={d.payload} />
      </div>
      <div>
        <Title order={3} size="h6" mb={4}>
          Attempts ({d.attemptDetails.length})
        </Title>
        {d.attemptDetails.length === 0 ? (
          <Text size="sm" c="dimmed">
            No attempt yet.
          </Text>
        ) : (
          <Accordion
            multiple
            variant="contained"
            defaultValue={[String(d.attemptDetails[d.attemptDetails.length - 1].number)]}
            key={d.attemptDetails.length}
          >
            {d.attemptDetails.map((a) => (
              <Accordion.Item key={a.id} value={String(a.number)}>
                <Accordion.Control>
                  <Group gap="sm" wrap="nowrap">
                    <Text size="sm" fw={600}>
                      Attempt {a.number}
                    </Text>
                    {a.statusCode != null ? (
                      <Badge color={codeColor(a.statusCode)} variant="light" size="sm">
                        HTTP {a.statusCode}
                      </Badge>
                    ) : a.errorClass ? (
                      <Badge color="red" variant="light" size="sm">
                        {a.errorClass}
                      </Badge>
                    ) : (
                      <Badge color="gray" variant="light" size="sm">
                        in progress
                      </Badge>
                    )}
                    <Text size="xs" c="dimmed">
                      {formatDateTime(a.startedAt)}
                      {a.durationMs != null ? ` · ${a.durationMs} ms` : ''}
                    </Text>
                  </Group>
                </Accordion.Control>
                <Accordion.Panel>
                  <AttemptPanel a={a} />
                </Accordion.Panel>
              </Accordion.Item>
            ))}
          </Accordion>
        )}
      </div>
    </Stack>
  );
}

/** Pretty-printed payload whose copy button copies the exact original bytes. */
function CodeBlockExact({ raw }: { raw: string }) {
  return (
    <div data-testid="delivery-payload">
      <CodeBlock maxHeight={320} label="Copy payload" copyValue={raw}>
        {prettyJson(raw)}
      </CodeBlock>
    </div>
  );
}
