import { Alert, Badge, Code, Group, Stack, Table, Text, UnstyledButton } from '@mantine/core';
import { IconChevronDown, IconChevronRight, IconMail } from '@tabler/icons-react';
import { Fragment, useMemo, useState } from 'react';
import { useParams } from 'react-router';
import { DateTime } from '@/components/DateTime';
import { PageHeader } from '@/components/PageHeader';
import { RequireRole } from '@/components/RequireRole';
import { ListPage } from '@/components/ListPage';
import type { MailKind, MailStatus } from '@/gql/graphql';
import { useCursorList } from '@/lib/pagination';
import { OutgoingMailQuery } from './api';

const PAGE_SIZE = 50;
const context = { additionalTypenames: ['MailMessage'] };

export const MAIL_STATUS: Record<MailStatus, { color: string; label: string }> = {
  PENDING: { color: 'blue', label: 'Sending' },
  RETRYING: { color: 'yellow', label: 'Retrying' },
  SENT: { color: 'teal', label: 'Sent' },
  FAILED: { color: 'red', label: 'Failed' },
  KEPT: { color: 'gray', label: 'Kept, not sent' },
};

export const MAIL_KIND: Record<MailKind, string> = {
  PAGE: 'Page',
  NOTICE: 'Notice',
  INVITATION: 'Invitation',
  VERIFICATION: 'Address check',
  SUBSCRIBER: 'Subscriber',
  TEST: 'Test',
};

function OutgoingMail({ accountId }: { accountId: string }) {
  const variables = useMemo(() => ({ accountId, first: PAGE_SIZE }), [accountId]);
  const list = useCursorList({
    query: OutgoingMailQuery,
    variables,
    select: (d) => d.account?.outgoingMail,
    context,
  });
  const [open, setOpen] = useState<string | null>(null);
  const sending = list.data?.account?.mailSending;

  const table = (
    <Table.ScrollContainer minWidth={760}>
      <Table verticalSpacing="sm" aria-label="Outgoing mail">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Subject</Table.Th>
            <Table.Th w={220}>To</Table.Th>
            <Table.Th w={120}>Kind</Table.Th>
            <Table.Th w={150}>Status</Table.Th>
            <Table.Th w={150}>Written</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {list.nodes.map((m) => {
            const expanded = open === m.id;
            const status = MAIL_STATUS[m.status];
            return (
              <Fragment key={m.id}>
                <Table.Tr>
                  <Table.Td>
                    <UnstyledButton
                      onClick={() => setOpen(expanded ? null : m.id)}
                      aria-expanded={expanded}
                      aria-controls={`mail-${m.id}`}
                    >
                      <Group gap={6} wrap="nowrap">
                        {expanded ? <IconChevronDown size={14} /> : <IconChevronRight size={14} />}
                        <Text size="sm" fw={500}>
                          {m.subject}
                        </Text>
                      </Group>
                    </UnstyledButton>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{m.to}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{MAIL_KIND[m.kind]}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Badge color={status.color} variant="light">
                      {status.label}
                    </Badge>
                    {m.attempts > 1 && (
                      <Text size="xs" c="dimmed">
                        {m.attempts} attempts
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <DateTime value={m.createdAt} size="sm" />
                  </Table.Td>
                </Table.Tr>
                {expanded && (
                  <Table.Tr id={`mail-${m.id}`}>
                    <Table.Td colSpan={5}>
                      <Stack gap="xs">
                        {m.lastError && (
                          <Alert color="red" variant="light" title="Last attempt failed">
                            {m.lastError}
                          </Alert>
                        )}
                        {m.providerAnswer && !m.lastError && (
                          <Text size="xs" c="dimmed">
                            Mail server: {m.providerAnswer}
                          </Text>
                        )}
                        <Code block data-testid="mail-text">
                          {m.textBody}
                        </Code>
                      </Stack>
                    </Table.Td>
                  </Table.Tr>
                )}
              </Fragment>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );

  return (
    <ListPage
      notice={
        sending === false && (
          <Alert color="yellow" variant="light" title="Mail is kept, not sent">
            No SMTP server is configured (SWITCHBOARD_SMTP_URL), so messages are kept here instead of being sent.
            Their links work from this page.
          </Alert>
        )
      }
      state={{ loaded: list.loaded, error: list.error, refetch: list.refetch, empty: list.nodes.length === 0 }}
      pager={list}
      what="mail"
      empty={{
        icon: <IconMail size={24} />,
        title: 'No mail yet',
        body: 'Pages to on-call people, notices and invitations appear here with what the mail server answered.',
      }}
    >
      {table}
    </ListPage>
  );
}

export default function OutgoingMailPage() {
  const { accountId = '' } = useParams();
  return (
    <>
      <PageHeader title="Outgoing mail" description="Every message Switchboard sent or kept for this account, newest first." />
      <RequireRole accountId={accountId} role="ADMIN">
        <OutgoingMail accountId={accountId} />
      </RequireRole>
    </>
  );
}
