import { Badge, Button, Card, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { DateTime } from '@/components/DateTime';
import { SecretReveal } from '@/components/SecretReveal';
import { confirmDanger } from '@/components/confirm';
import type { StatusPageQuery } from '@/gql/graphql';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';
import { CreateViewerLinkMutation, RevokeViewerLinkMutation, statusPagesContext } from '../api';
import { useInvalidFocus } from '@/components/FormModal';

type Page = NonNullable<StatusPageQuery['statusPage']>;

/** A private page's viewer links: create one per person or audience (shown once), revoke. */
export function ViewerLinks({ page, canAdmin }: { page: Page; canAdmin: boolean }) {
  const [label, setLabel] = useState('');
  const [labelError, setLabelError] = useState<string | null>(null);
  const [created, setCreated] = useState<{ label: string; url: string } | null>(null);
  const [{ fetching }, create] = useMutationWithErrors(CreateViewerLinkMutation, (d) => d.createViewerLink, {
    failTitle: 'Could not create the viewer link',
    context: statusPagesContext,
  });
  const [, revoke] = useMutationWithErrors(RevokeViewerLinkMutation, (d) => d.revokeViewerLink, {
    failTitle: 'Could not revoke the viewer link',
    context: statusPagesContext,
  });

  const { ref, afterSubmit } = useInvalidFocus();

  async function onCreate(e: React.FormEvent) {
    e.preventDefault();
    if (!label.trim()) {
      setLabelError('Say who the link is for');
      return;
    }
    setLabelError(null);
    const out = await create({ input: { pageId: page.id, label: label.trim() } });
    if (!out.ok) {
      setLabelError(out.errors.map((x) => x.message).join('\n') || null);
      return;
    }
    if (out.payload.url) setCreated({ label: label.trim(), url: out.payload.url });
    setLabel('');
  }

  async function onRevoke(v: Page['viewers'][number]) {
    const ok = await confirmDanger({
      title: `Revoke the link for ${v.label}?`,
      message: 'Whoever holds it can no longer open the page.',
      confirmLabel: 'Revoke link',
    });
    if (ok) await revoke({ id: v.id }, { success: `Revoked the link for ${v.label}.`, notifyUserErrors: true });
  }

  return (
    <Card withBorder radius="md" padding="md">
      <Stack gap="md">
        <Title order={2} size="h4">
          Viewer links
        </Title>
        <Text size="sm" c="dimmed">
          A private page opens only with a viewer link. Give each person or audience their own, so you can revoke one alone.
        </Text>
        {created && (
          <SecretReveal
            title={`Viewer link for ${created.label}`}
            label="Link"
            value={created.url}
            note="Switchboard keeps only a hash of it. If it is lost, create another."
            doneLabel="Done"
            onDone={() => setCreated(null)}
            testId="viewer-link-url"
          />
        )}
        {canAdmin && (
          <form ref={ref} onSubmit={afterSubmit(onCreate)} noValidate aria-label="New viewer link">
            <Group align="flex-start" gap="xs">
              <TextInput
                style={{ flex: 1 }}
                label="Who the link is for"
                placeholder="Acme Corp support team"
                value={label}
                error={labelError}
                onChange={(e) => setLabel(e.currentTarget.value)}
              />
              <Button type="submit" mt={25} loading={fetching}>
                Create link
              </Button>
            </Group>
          </form>
        )}
        {page.viewers.length === 0 ? (
          <Text size="sm" c="dimmed">
            No viewer links yet.
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={560}>
            <Table aria-label="Viewer links" verticalSpacing="xs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>For</Table.Th>
                  <Table.Th>Token</Table.Th>
                  <Table.Th>Created</Table.Th>
                  <Table.Th>Last used</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {page.viewers.map((v) => (
                  <Table.Tr key={v.id}>
                    <Table.Td>{v.label}</Table.Td>
                    <Table.Td>
                      <Text size="sm" ff="monospace">
                        {v.tokenPrefix}…
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <DateTime value={v.createdAt} size="sm" />
                    </Table.Td>
                    <Table.Td>{v.lastUsedAt ? <DateTime value={v.lastUsedAt} size="sm" /> : <Text size="sm" c="dimmed">Never</Text>}</Table.Td>
                    <Table.Td>
                      {v.revokedAt ? (
                        <Badge color="gray" variant="light" radius="sm">
                          Revoked
                        </Badge>
                      ) : (
                        canAdmin && (
                          <Button size="xs" variant="subtle" color="red" onClick={() => onRevoke(v)} aria-label={`Revoke the link for ${v.label}`}>
                            Revoke
                          </Button>
                        )
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
    </Card>
  );
}
