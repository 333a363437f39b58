import { ActionIcon, Button, Card, Group, Select, Stack, Text, TextInput, Tooltip } from '@mantine/core';
import { IconArrowDown, IconArrowUp, IconPlus, IconTrash } from '@tabler/icons-react';
import { groupKey, move, type PageGroup } from '../form';

interface ComponentOption {
  id: string;
  name: string;
}

function Mover({ label, index, count, onMove, onRemove }: {
  label: string;
  index: number;
  count: number;
  onMove: (delta: number) => void;
  onRemove: () => void;
}) {
  return (
    <Group gap={2} wrap="nowrap">
      <Tooltip label="Move up">
        <ActionIcon variant="subtle" color="gray" aria-label={`Move ${label} up`} disabled={index === 0} onClick={() => onMove(-1)}>
          <IconArrowUp size={16} />
        </ActionIcon>
      </Tooltip>
      <Tooltip label="Move down">
        <ActionIcon variant="subtle" color="gray" aria-label={`Move ${label} down`} disabled={index === count - 1} onClick={() => onMove(1)}>
          <IconArrowDown size={16} />
        </ActionIcon>
      </Tooltip>
      <Tooltip label="Remove">
        <ActionIcon variant="subtle" color="red" aria-label={`Remove ${label}`} onClick={onRemove}>
          <IconTrash size={16} />
        </ActionIcon>
      </Tooltip>
    </Group>
  );
}

/**
 * The components a page shows, in ordered groups: add, remove and reorder groups and the
 * components in them. A component appears on a page once; a group without a name is "ungrouped".
 */
export function GroupsEditor({
  groups,
  onChange,
  components,
  error,
}: {
  groups: PageGroup[];
  onChange: (groups: PageGroup[]) => void;
  components: readonly ComponentOption[];
  error?: string | null;
}) {
  const byId = new Map(components.map((c) => [c.id, c]));
  const used = new Set(groups.flatMap((g) => g.items.map((i) => i.componentId)));
  const free = components.filter((c) => !used.has(c.id)).map((c) => ({ value: c.id, label: c.name }));
  const set = (i: number, g: PageGroup) => onChange(groups.map((x, j) => (j === i ? g : x)));

  return (
    <Stack gap="sm" role="group" aria-label="Components on the page">
      <Text size="sm" fw={500}>
        Components on the page
      </Text>
      {error && (
        <Text size="sm" c="red" role="alert">
          {error}
        </Text>
      )}
      {groups.map((g, gi) => {
        const groupLabel = g.name.trim() ? `group ${g.name.trim()}` : `group ${gi + 1}`;
        return (
          <Card withBorder padding="sm" radius="md" key={g.key} data-testid="page-group">
            <Stack gap="xs">
              <Group gap="xs" align="flex-end" wrap="nowrap">
                <TextInput
                  style={{ flex: 1 }}
                  label={`Group ${gi + 1} name`}
                  placeholder="Empty: ungrouped"
                  value={g.name}
                  onChange={(e) => set(gi, { ...g, name: e.currentTarget.value })}
                />
                <Mover
                  label={groupLabel}
                  index={gi}
                  count={groups.length}
                  onMove={(d) => onChange(move(groups, gi, d))}
                  onRemove={() => onChange(groups.filter((_, j) => j !== gi))}
                />
              </Group>
              {g.items.length === 0 && (
                <Text size="xs" c="dimmed">
                  No components in this group yet.
                </Text>
              )}
              {g.items.map((item, ii) => {
                const c = byId.get(item.componentId);
                const name = c?.name ?? 'Unknown component';
                return (
                  <Group key={item.componentId} gap="xs" wrap="nowrap" data-testid="page-item">
                    <Text size="sm" fw={500} style={{ flex: 1 }} truncate>
                      {name}
                    </Text>
                    <TextInput
                      size="xs"
                      w={180}
                      aria-label={`Display name of ${name}`}
                      placeholder={name}
                      value={item.displayName}
                      onChange={(e) =>
                        set(gi, { ...g, items: g.items.map((x, j) => (j === ii ? { ...x, displayName: e.currentTarget.value } : x)) })
                      }
                    />
                    <Mover
                      label={name}
                      index={ii}
                      count={g.items.length}
                      onMove={(d) => set(gi, { ...g, items: move(g.items, ii, d) })}
                      onRemove={() => set(gi, { ...g, items: g.items.filter((_, j) => j !== ii) })}
                    />
                  </Group>
                );
              })}
              <Select
                size="xs"
                label={`Add a component to group ${gi + 1}`}
                placeholder={free.length ? 'Pick a component' : 'Every component is on the page'}
                disabled={free.length === 0}
                data={free}
                value={null}
                searchable
                comboboxProps={{ withinPortal: true }}
                onChange={(id) => id && set(gi, { ...g, items: [...g.items, { componentId: id, displayName: '' }] })}
              />
            </Stack>
          </Card>
        );
      })}
      <Group>
        <Button
          variant="light"
          size="xs"
          leftSection={<IconPlus size={14} />}
          onClick={() => onChange([...groups, { key: groupKey(), name: '', items: [] }])}
        >
          Add group
        </Button>
      </Group>
    </Stack>
  );
}
