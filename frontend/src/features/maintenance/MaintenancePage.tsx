import { Badge, Button, Group, Switch, Table, Text } from '@mantine/core';
import { IconPlus, IconTool } from '@tabler/icons-react';
import { useState } from 'react';
import { useParams } from 'react-router';
import { useQuery } from 'urql';
import { DateTime } from '@/components/DateTime';
import { ListPage, queryListState } from '@/components/ListPage';
import { confirmDanger } from '@/components/confirm';
import type { MaintenanceFieldsFragment, MaintenanceStatus } from '@/gql/graphql';
import { formatDateTime } from '@/lib/format';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';
import { roleAtLeast } from '@/lib/roles';
import { EndMaintenanceMutation, MaintenanceWindowsQuery, maintenanceContext } from './api';
import { MaintenanceFormModal } from './components/MaintenanceFormModal';

export const MAINTENANCE_STATUS: Record<MaintenanceStatus, { label: string; color: string }> = {
  SCHEDULED: { label: 'Scheduled', color: 'blue' },
  IN_PROGRESS: { label: 'In progress', color: 'yellow' },
  COMPLETED: { label: 'Completed', color: 'teal' },
  CANCELLED: { label: 'Cancelled', color: 'gray' },
};

export default function MaintenancePage() {
  const { accountId = '' } = useParams();
  const [includePast, setIncludePast] = useState(false);
  const query = useQuery({
    query: MaintenanceWindowsQuery,
    variables: { accountId, includePast },
    context: maintenanceContext,
  });
  const [{ data }] = query;
  const [modal, setModal] = useState<{ open: boolean; window: MaintenanceFieldsFragment | null }>({ open: false, window: null });
  const [, end] = useMutationWithErrors(EndMaintenanceMutation, (d) => d.endMaintenance, {
    failTitle: 'Could not end the maintenance window',
    context: maintenanceContext,
  });
  const account = data?.account;
  const windows = account?.maintenanceWindows ?? [];
  const canAct = roleAtLeast(account?.myRole, 'MEMBER');

  async function onEnd(w: MaintenanceFieldsFragment) {
    const scheduled = w.status === 'SCHEDULED';
    const ok = await confirmDanger({
      title: scheduled ? `Cancel ${w.title}?` : `End ${w.title} now?`,
      message: scheduled
        ? 'The window is cancelled: it will not start.'
        : 'The window completes now: its components are no longer under maintenance, and incidents held during it page.',
      confirmLabel: scheduled ? 'Cancel window' : 'End now',
    });
    if (!ok) return;
    await end({ id: w.id }, { success: scheduled ? `Cancelled ${w.title}.` : `Ended ${w.title}.`, notifyUserErrors: true });
  }

  const newButton = canAct && (
    <Button leftSection={<IconPlus size={16} />} onClick={() => setModal({ open: true, window: null })}>
      Schedule maintenance
    </Button>
  );

  return (
    <>
      <ListPage
        title="Maintenance"
        description="Planned work: status pages show it, its components read “Under maintenance”, and incidents on them page nobody until it ends."
        actions={newButton}
        filters={
          <Switch
            label="Include past windows"
            checked={includePast}
            onChange={(e) => setIncludePast(e.currentTarget.checked)}
          />
        }
        state={queryListState(query, windows)}
        what="maintenance windows"
        empty={{
          icon: <IconTool size={24} />,
          title: includePast ? 'No maintenance yet' : 'No maintenance scheduled',
          body: 'Schedule a window before planned work so customers know and nobody is paged for it.',
        }}
      >
        <Table.ScrollContainer minWidth={760}>
          <Table verticalSpacing="sm" aria-label="Maintenance windows">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Title</Table.Th>
                <Table.Th w={120}>Status</Table.Th>
                <Table.Th w={260}>When</Table.Th>
                <Table.Th>Components</Table.Th>
                {canAct && <Table.Th w={190} />}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {windows.map((w) => {
                const live = w.status === 'SCHEDULED' || w.status === 'IN_PROGRESS';
                const spec = MAINTENANCE_STATUS[w.status];
                return (
                  <Table.Tr key={w.id} data-testid="maintenance-row">
                    <Table.Td>
                      <Text size="sm" fw={500}>
                        {w.title}
                      </Text>
                      {w.message && (
                        <Text size="xs" c="dimmed" lineClamp={2}>
                          {w.message}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Badge color={spec.color} variant="light" radius="sm" data-testid="maintenance-status">
                        {spec.label}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">
                        {formatDateTime(w.startsAt)} – {formatDateTime(w.endsAt)}
                      </Text>
                      {w.completedAt && (
                        <Text size="xs" c="dimmed">
                          Ended <DateTime value={w.completedAt} size="xs" />
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{w.components.map((c) => c.name).join(', ')}</Text>
                    </Table.Td>
                    {canAct && (
                      <Table.Td>
                        {live && (
                          <Group gap={4} justify="flex-end" wrap="nowrap">
                            <Button size="xs" variant="subtle" onClick={() => setModal({ open: true, window: w })} aria-label={`Edit ${w.title}`}>
                              Edit
                            </Button>
                            <Button
                              size="xs"
                              variant="subtle"
                              color="red"
                              onClick={() => onEnd(w)}
                              aria-label={w.status === 'SCHEDULED' ? `Cancel ${w.title}` : `End ${w.title} now`}
                            >
                              {w.status === 'SCHEDULED' ? 'Cancel' : 'End now'}
                            </Button>
                          </Group>
                        )}
                      </Table.Td>
                    )}
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </ListPage>
      {canAct && (
        <MaintenanceFormModal
          accountId={accountId}
          window={modal.window}
          opened={modal.open}
          onClose={() => setModal((m) => ({ ...m, open: false }))}
        />
      )}
    </>
  );
}
