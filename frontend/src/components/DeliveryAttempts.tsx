import { Accordion, Badge, Group, Stack, Table, Text, Title } from '@mantine/core';
import { CodeBlock } from '@/components/CodeBlock';
import { DetailList } from '@/components/DetailList';
import { formatDateTimeSeconds, prettyJson } from '@/lib/format';

// What a delivery sent and what came back, attempt by attempt. Used by the delivery history and
// by approval requests (whose request to the approver is a delivery too).

export interface KeyValueLike {
  key: string;
  value: string;
}

export interface AttemptLike {
  id: string;
  number: number;
  startedAt: string;
  finishedAt?: string | null;
  durationMs?: number | null;
  url: string;
  remoteAddr: string;
  requestHeaders: readonly KeyValueLike[];
  statusCode?: number | null;
  responseHeaders: readonly KeyValueLike[];
  responseBody: string;
  /** The response headers and body are withheld: the reader does not see the endpoint's URL whole. */
  responseHidden?: boolean;
  errorClass: string;
  errorMessage: string;
}

export function HeadersTable({ headers, label }: { headers: readonly KeyValueLike[]; label: string }) {
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

export function statusCodeColor(code: number | null | undefined) {
  if (code == null) return 'gray';
  if (code >= 100 && code < 200) return 'yellow';
  if (code >= 200 && code < 300) return 'teal';
  if (code >= 300 && code < 400) return 'blue';
  if (code >= 400 && code < 500) return 'orange';
  return 'red';
}

export function AttemptPanel({ a }: { a: AttemptLike }) {
  return (
    <Stack gap="sm" data-testid={`attempt-${a.number}`}>
      <DetailList
        cols={2}
        items={[
          { label: 'Started', value: formatDateTimeSeconds(a.startedAt) },
          { label: 'Duration', value: a.durationMs != null ? `${a.durationMs} ms` : a.finishedAt ? '—' : 'In progress' },
          { label: 'URL', value: <Text span size="xs" ff="monospace">{a.url}</Text> },
          { label: 'Remote address', value: <Text span size="xs" ff="monospace" data-testid="remote-addr">{a.remoteAddr || '—'}</Text> },
          {
            label: 'Status code',
            value:
              a.statusCode != null ? (
                <Badge color={statusCodeColor(a.statusCode)} variant="light" data-testid="status-code">
                  {a.statusCode}
                </Badge>
              ) : (
                '—'
              ),
          },
          {
            label: 'Error',
            value: (
              <Text span size="sm" c="red">
                {[a.errorClass, a.errorMessage].filter(Boolean).join(': ')}
              </Text>
            ),
            hidden: !a.errorClass && !a.errorMessage,
          },
        ]}
      />
      <Title order={4} size="h6">
        Request headers
      </Title>
      <HeadersTable headers={a.requestHeaders} label={`Request headers of attempt ${a.number}`} />
      {a.responseHidden ? (
        <>
          <Title order={4} size="h6">
            Response headers and body
          </Title>
          <Text size="xs" c="dimmed" data-testid="response-hidden">
            Shown only to admins of the endpoint&apos;s scope: a receiver&apos;s answer can repeat the endpoint&apos;s
            URL or custom header values, which are credentials.
          </Text>
        </>
      ) : (
        <AttemptResponse a={a} />
      )}
    </Stack>
  );
}

function AttemptResponse({ a }: { a: AttemptLike }) {
  return (
    <>
      <Title order={4} size="h6">
        Response headers
      </Title>
      <HeadersTable headers={a.responseHeaders} label={`Response headers of attempt ${a.number}`} />
      <Title order={4} size="h6">
        Response body{' '}
        <Text span size="xs" c="dimmed">
          (first 4 KiB)
        </Text>
      </Title>
      {a.responseBody ? (
        <div data-testid="response-body">
          <CodeBlock maxHeight={240} label="Copy response body">
            {prettyJson(a.responseBody)}
          </CodeBlock>
        </div>
      ) : (
        <Text size="xs" c="dimmed">
          Empty
        </Text>
      )}
    </>
  );
}

/** Every attempt, oldest first, the latest one open. */
export function AttemptList({ attempts }: { attempts: readonly AttemptLike[] }) {
  if (attempts.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        No attempt yet.
      </Text>
    );
  }
  return (
    <Accordion multiple variant="contained" defaultValue={[String(attempts[attempts.length - 1].number)]} key={attempts.length}>
      {attempts.map((a) => (
        <Accordion.Item key={a.id} value={String(a.number)}>
          <Accordion.Control>
            <Group gap="sm" wrap="nowrap">
              <Text size="sm" fw={600}>
                Attempt {a.number}
              </Text>
              {a.statusCode != null ? (
                <Badge color={statusCodeColor(a.statusCode)} variant="light" size="sm">
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
                {formatDateTimeSeconds(a.startedAt)}
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
  );
}

/** A payload shown formatted, whose copy button copies the exact original bytes. */
export function ExactPayload({ raw, testId = 'delivery-payload', maxHeight = 320 }: { raw: string; testId?: string; maxHeight?: number }) {
  return (
    <div data-testid={testId}>
      <CodeBlock maxHeight={maxHeight} label="Copy payload" copyValue={raw}>
        {prettyJson(raw)}
      </CodeBlock>
    </div>
  );
}
