import { Anchor, Badge, Button, Group, Table, Text } from '@mantine/core';
import { IconCalendarTime, IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useQuery } from 'urql';
import { ListPage, queryListState } from '@/components/ListPage';
import { roleAtLeast } from '@/lib/roles';
import { SchedulesQuery, schedulesContext } from './api';
import { OnCallNowCard } from '@/components/OnCallNowCard';
import { ScheduleFormModal } from './components/ScheduleFormModal';
import { colorFor, formatInZone, personName } from './time';

export default function SchedulesPage() {
  const { accountId = '' } = useParams();
  const navigate = useNavigate();
  const query = useQuery({ query: SchedulesQuery, variables: { accountId }, context: schedulesContext });
  const [{ data }] = query;
  const [creating, setCreating] = useState(false);
  const account = data?.account;
  const schedules = account?.schedules ?? [];
  const canAdmin = roleAtLeast(account?.myRole, 'ADMIN');

  return (
    <>
      <ListPage
        title="Schedules"
        description="Who is on call when: rotations in layers, overrides on top. Escalation policies page the schedule’s person on call."
        actions={
          canAdmin && (
            <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
              New schedule
            </Button>
          )
        }
        aside={<OnCallNowCard accountId={accountId} />}
        state={queryListState(query, schedules)}
        what="schedules"
        empty={{
          icon: <IconCalendarTime size={24} />,
          title: 'No schedules yet',
          body: canAdmin
            ? 'Create a schedule, add a rotation of people, then target it from an escalation policy.'
            : 'An admin creates schedules; you will see them here.',
        }}
      >
        <Table.ScrollContainer minWidth={640}>
          <Table verticalSpacing="sm" aria-label="Schedules">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th w={200}>Time zone</Table.Th>
                <Table.Th w={280}>On call now</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {schedules.map((s) => (
                <Table.Tr key={s.id}>
                  <Table.Td>
                    <Anchor component={Link} to={s.id} fw={500} size="sm">
                      {s.name}
                    </Anchor>
                    {s.description && (
                      <Text size="xs" c="dimmed" lineClamp={1}>
                        {s.description}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{s.timeZone}</Text>
                  </Table.Td>
                  <Table.Td>
                    {s.onCallAt ? (
                      <Group gap={6} wrap="nowrap">
                        <Badge color={colorFor(s.onCallAt.user.id)} variant="light" radius="sm">
                          {personName(s.onCallAt.user)}
                        </Badge>
                        <Text size="xs" c="dimmed">
                          until {formatInZone(s.onCallAt.endsAt, s.timeZone)}
                        </Text>
                      </Group>
                    ) : (
                      <Text size="sm" c="dimmed">
                        Nobody (gap)
                      </Text>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </ListPage>
      <ScheduleFormModal
        accountId={accountId}
        opened={creating}
        onClose={() => setCreating(false)}
        onCreated={(id) => navigate(`/accounts/${accountId}/schedules/${id}`)}
      />
    </>
  );
}
