import { Anchor, Badge, Checkbox, Group, Paper, ScrollArea, Stack, Text, TextInput } from '@mantine/core';
import { IconSearch } from '@tabler/icons-react';
import { useId, useMemo, useState } from 'react';
import { CATEGORY_LABEL, groupCatalog, type CatalogEvent } from '../catalog';

/** Pick events from the catalog: grouped by category, each with its one-line description. */
export function EventPicker({
  catalog,
  value,
  onChange,
  error,
}: {
  catalog: readonly CatalogEvent[];
  value: string[];
  onChange: (v: string[]) => void;
  error?: string | null;
}) {
  const [query, setQuery] = useState('');
  const uid = useId();
  const groups = useMemo(() => groupCatalog(catalog, query), [catalog, query]);
  const selected = new Set(value);
  const toggle = (name: string, on: boolean) => onChange(on ? [...value, name] : value.filter((v) => v !== name));
  const setGroup = (names: string[], on: boolean) =>
    onChange(on ? [...new Set([...value, ...names])] : value.filter((v) => !names.includes(v)));
  // Names the webhook lists that the catalog does not know (a deleted custom event).
  const unknown = value.filter((v) => !catalog.some((e) => e.name === v));

  return (
    <Stack gap="xs">
      <Group justify="space-between" align="flex-end">
        <Text size="sm" fw={500} id="event-picker-label">
          Events <Text span c="red">*</Text>
        </Text>
        <Text size="xs" c="dimmed" aria-live="polite">
          {value.length} selected
        </Text>
      </Group>
      <TextInput
        aria-label="Filter events"
        placeholder="Filter by name or description"
        leftSection={<IconSearch size={14} aria-hidden />}
        size="xs"
        value={query}
        onChange={(e) => setQuery(e.currentTarget.value)}
      />
      <Paper withBorder radius="md" p="xs" style={{ borderColor: error ? 'var(--mantine-color-red-6)' : undefined }}>
        <ScrollArea.Autosize mah={380} type="auto">
          <Stack gap="md" role="group" aria-labelledby="event-picker-label" data-testid="event-picker">
            {groups.length === 0 && (
              <Text size="sm" c="dimmed" p="xs">
                No event matches “{query}”.
              </Text>
            )}
            {groups.map((g) => {
              const names = g.events.map((e) => e.name);
              const all = names.every((n) => selected.has(n));
              return (
                <Stack gap={6} key={g.category} role="group" aria-label={CATEGORY_LABEL[g.category] ?? g.category} data-category={g.category}>
                  <Group justify="space-between">
                    <Text size="xs" tt="uppercase" fw={700} c="dimmed">
                      {CATEGORY_LABEL[g.category] ?? g.category}
                    </Text>
                    <Anchor component="button" type="button" size="xs" onClick={() => setGroup(names, !all)}>
                      {all ? 'Clear' : 'Select all'}
                    </Anchor>
                  </Group>
                  {g.events.map((e) => (
                    <Checkbox
                      key={e.name}
                      checked={selected.has(e.name)}
                      onChange={(ev) => toggle(e.name, ev.currentTarget.checked)}
                      label={
                        <Text size="sm" ff="monospace" span>
                          {e.name}
                        </Text>
                      }
                      aria-describedby={e.description ? `${uid}-${e.name}` : undefined}
                      description={e.description ? <span id={`${uid}-${e.name}`}>{e.description}</span> : undefined}
                    />
                  ))}
                </Stack>
              );
            })}
          </Stack>
        </ScrollArea.Autosize>
      </Paper>
      {unknown.length > 0 && (
        <Group gap={4}>
          <Text size="xs" c="dimmed">
            Not in the catalog any more:
          </Text>
          {unknown.map((u) => (
            <Badge key={u} size="xs" color="gray" variant="outline" style={{ cursor: 'pointer' }} onClick={() => toggle(u, false)}>
              {u} ×
            </Badge>
          ))}
        </Group>
      )}
      {error && (
        <Text size="xs" c="red" role="alert">
          {error}
        </Text>
      )}
    </Stack>
  );
}
