import { Anchor, Badge, Button, Group, Table, Text } from '@mantine/core';
import { IconPlus, IconStairsUp } from '@tabler/icons-react';
import { Link, useParams } from 'react-router';
import { useQuery } from 'urql';
import { ListPage, queryListState } from '@/components/ListPage';
import { roleAtLeast } from '@/lib/roles';
import { PoliciesQuery, policiesContext } from './api';
import { personName } from './time';

export default function PoliciesPage() {
  const { accountId = '' } = useParams();
  const query = useQuery({ query: PoliciesQuery, variables: { accountId }, context: policiesContext });
  const [{ data }] = query;
  const account = data?.account;
  const policies = account?.escalationPolicies ?? [];
  const canAdmin = roleAtLeast(account?.myRole, 'ADMIN');

  return (
    <ListPage
      title="Escalation policies"
      description="Who is paged when an incident opens, and who next when nobody acknowledges."
      actions={
        canAdmin && (
          <Button component={Link} to="new" leftSection={<IconPlus size={16} />}>
            New policy
          </Button>
        )
      }
      state={queryListState(query, policies)}
      what="escalation policies"
      empty={{
        icon: <IconStairsUp size={24} />,
        title: 'No escalation policies yet',
        body: 'A policy pages its first level when an incident opens, then the next level after a timeout. Attach it to a component.',
      }}
    >
      <Table.ScrollContainer minWidth={640}>
        <Table verticalSpacing="sm" aria-label="Escalation policies">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Levels</Table.Th>
              <Table.Th w={90}>Repeat</Table.Th>
              <Table.Th>Used by</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {policies.map((p) => (
              <Table.Tr key={p.id}>
                <Table.Td>
                  <Anchor component={Link} to={p.id} fw={500} size="sm">
                    {p.name}
                  </Anchor>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">
                    {[...p.levels]
                      .sort((a, b) => a.position - b.position)
                      .map((l) => l.targets.map((t) => t.schedule?.name ?? personName(t.user)).join(' + ') + ` (${l.timeoutMinutes} min)`)
                      .join(' → ')}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{p.repeat === 0 ? 'No' : `${p.repeat}×`}</Text>
                </Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {p.components.length === 0 ? (
                      <Text size="sm" c="dimmed">
                        No component
                      </Text>
                    ) : (
                      p.components.map((c) => (
                        <Badge key={c.id} variant="light" color="gray">
                          {c.name}
                        </Badge>
                      ))
                    )}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </ListPage>
  );
}
