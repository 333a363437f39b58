import {
  ActionIcon,
  Button,
  Group,
  MultiSelect,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconArrowDown, IconArrowUp, IconPlus, IconX } from '@tabler/icons-react';
import { useState } from 'react';
import { FormModal } from '@/components/FormModal';
import type { LayerFieldsFragment, Rotation, ScheduleLayerInput } from '@/gql/graphql';
import type { UserErrorLike } from '@/lib/graphql/user-errors';
import { HHMM, WEEKDAYS, fromLocalInput, personName, toLocalInput } from '../time';

interface Restriction {
  days: string[];
  from: string;
  to: string;
}

export interface LayerValues extends Record<string, unknown> {
  name: string;
  rotation: Rotation;
  length: number | string;
  handOff: string;
  handOffDay: string;
  participantIds: string[];
  startsAt: string;
  endsAt: string;
  restrictions: Restriction[];
}

export interface Person {
  id: string;
  name: string;
  email: string;
}

const ROTATIONS: { value: Rotation; label: string; unit: string }[] = [
  { value: 'DAILY', label: 'Daily', unit: 'days' },
  { value: 'WEEKLY', label: 'Weekly', unit: 'weeks' },
  { value: 'HOURLY', label: 'Custom length in hours', unit: 'hours' },
];

const DAY_OPTIONS = WEEKDAYS.map((d, i) => ({ value: String(i), label: d }));

/** A layer as the API takes it (ids kept so shifts keep their origin). */
export function layerToInput(l: LayerFieldsFragment): ScheduleLayerInput {
  return {
    id: l.id,
    name: l.name,
    rotation: l.rotation,
    length: l.length,
    handOff: l.handOff,
    handOffDay: l.handOffDay,
    participantIds: l.participants.map((p) => p.id),
    startsAt: l.startsAt,
    endsAt: l.endsAt ?? null,
    restrictions: l.restrictions.map((r) => ({ days: [...r.days], from: r.from, to: r.to })),
  };
}

export function valuesToInput(v: LayerValues, id?: string): ScheduleLayerInput {
  return {
    ...(id ? { id } : {}),
    name: v.name.trim(),
    rotation: v.rotation,
    length: Number(v.length),
    handOff: v.handOff,
    handOffDay: v.rotation === 'WEEKLY' ? Number(v.handOffDay) : 0,
    participantIds: v.participantIds,
    startsAt: fromLocalInput(v.startsAt) ?? v.startsAt,
    endsAt: v.endsAt ? fromLocalInput(v.endsAt) : null,
    restrictions: v.restrictions.map((r) => ({ days: r.days.map(Number), from: r.from, to: r.to })),
  };
}

function initialValues(layer: LayerFieldsFragment | null | undefined, position: number): LayerValues {
  if (!layer) {
    const start = new Date();
    start.setMinutes(0, 0, 0);
    return {
      name: `Layer ${position + 1}`,
      rotation: 'WEEKLY',
      length: 1,
      handOff: '09:00',
      handOffDay: '1',
      participantIds: [],
      startsAt: toLocalInput(start.toISOString()),
      endsAt: '',
      restrictions: [],
    };
  }
  return {
    name: layer.name,
    rotation: layer.rotation,
    length: layer.length,
    handOff: layer.handOff,
    handOffDay: String(layer.handOffDay),
    participantIds: layer.participants.map((p) => p.id),
    startsAt: toLocalInput(layer.startsAt),
    endsAt: toLocalInput(layer.endsAt),
    restrictions: layer.restrictions.map((r) => ({ days: r.days.map(String), from: r.from, to: r.to })),
  };
}

/**
 * Adds or edits one layer: rotation, shift length, hand-off, ordered participants (from the
 * account's members), start and optional end, restrictions. `onSave` sends the whole layer list.
 */
export function LayerFormModal({
  opened,
  onClose,
  layer,
  position,
  people,
  zone,
  onSave,
}: {
  opened: boolean;
  onClose: () => void;
  layer: LayerFieldsFragment | null;
  position: number;
  people: readonly Person[];
  zone: string;
  onSave: (values: LayerValues) => Promise<{ ok: boolean; errors: readonly UserErrorLike[] }>;
}) {
  const [adding, setAdding] = useState<string | null>(null);
  const form = useForm<LayerValues>({
    mode: 'controlled',
    initialValues: initialValues(null, position),
    validate: {
      length: (v) => {
        const n = Number(v);
        return Number.isInteger(n) && n >= 1 && n <= 8760 ? null : 'A whole number from 1';
      },
      handOff: (v) => (HHMM.test(v) ? null : 'Use HH:MM, e.g. 09:00'),
      participantIds: (v) => (v.length === 0 ? 'Add at least one person' : null),
      startsAt: (v) => (fromLocalInput(v) ? null : 'Pick when the rotation starts'),
      endsAt: (v, values) => {
        if (!v) return null;
        const end = fromLocalInput(v);
        const start = fromLocalInput(values.startsAt);
        if (!end) return 'Not a date';
        return start && end <= start ? 'The end must be after the start' : null;
      },
      restrictions: {
        from: (v) => (HHMM.test(v) ? null : 'HH:MM'),
        to: (v) => (HHMM.test(v) ? null : 'HH:MM'),
      },
    },
  });

  const byId = new Map(people.map((p) => [p.id, p]));
  const ids = form.values.participantIds;
  const unit = ROTATIONS.find((r) => r.value === form.values.rotation)?.unit ?? 'days';

  function move(i: number, d: -1 | 1) {
    const next = [...ids];
    const j = i + d;
    if (j < 0 || j >= next.length) return;
    [next[i], next[j]] = [next[j], next[i]];
    form.setFieldValue('participantIds', next);
  }

  return (
    <FormModal
      opened={opened}
      onClose={onClose}
      title={layer ? `Edit ${layer.name || 'layer'}` : 'New layer'}
      form={form}
      values={initialValues(layer, position)}
      resetKey={layer?.id ?? `new-${position}`}
      submitLabel={layer ? 'Save layer' : 'Add layer'}
      size="lg"
      onSubmit={onSave}
    >
      <TextInput label="Name" data-autofocus {...form.getInputProps('name')} />
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <Select
          label="Rotation"
          allowDeselect={false}
          data={ROTATIONS.map(({ value, label }) => ({ value, label }))}
          comboboxProps={{ withinPortal: true }}
          {...form.getInputProps('rotation')}
        />
        <NumberInput label={`Shift length (${unit})`} min={1} allowDecimal={false} {...form.getInputProps('length')} />
        <TextInput
          label="Hand-off time"
          description={`HH:MM on the schedule’s clock (${zone})`}
          placeholder="09:00"
          {...form.getInputProps('handOff')}
        />
        {form.values.rotation === 'WEEKLY' && (
          <Select
            label="Hand-off day"
            allowDeselect={false}
            data={DAY_OPTIONS}
            comboboxProps={{ withinPortal: true }}
            {...form.getInputProps('handOffDay')}
          />
        )}
        <TextInput
          type="datetime-local"
          label="Starts"
          description="In your browser’s time"
          {...form.getInputProps('startsAt')}
        />
        <TextInput type="datetime-local" label="Ends (optional)" {...form.getInputProps('endsAt')} />
      </SimpleGrid>

      <Stack gap={6}>
        <Text size="sm" fw={500}>
          Participants, in rotation order
        </Text>
        {ids.length === 0 ? (
          <Text size="sm" c="dimmed">
            Nobody yet.
          </Text>
        ) : (
          <Stack gap={4} component="ol" style={{ margin: 0, paddingLeft: 20 }} aria-label="Participants">
            {ids.map((id, i) => {
              const name = personName(byId.get(id) ?? { name: '', email: id });
              return (
                <li key={id}>
                  <Group gap="xs" justify="space-between" wrap="nowrap">
                    <Text size="sm">{name}</Text>
                    <Group gap={2} wrap="nowrap">
                      <ActionIcon variant="subtle" aria-label={`Move ${name} up`} disabled={i === 0} onClick={() => move(i, -1)}>
                        <IconArrowUp size={16} />
                      </ActionIcon>
                      <ActionIcon
                        variant="subtle"
                        aria-label={`Move ${name} down`}
                        disabled={i === ids.length - 1}
                        onClick={() => move(i, 1)}
                      >
                        <IconArrowDown size={16} />
                      </ActionIcon>
                      <ActionIcon
                        variant="subtle"
                        color="red"
                        aria-label={`Remove ${name}`}
                        onClick={() => form.setFieldValue('participantIds', ids.filter((x) => x !== id))}
                      >
                        <IconX size={16} />
                      </ActionIcon>
                    </Group>
                  </Group>
                </li>
              );
            })}
          </Stack>
        )}
        <Group gap="xs" align="flex-end">
          <Select
            label="Add a person"
            placeholder="Pick a member"
            searchable
            style={{ flex: 1 }}
            value={adding}
            onChange={setAdding}
            data={people.filter((p) => !ids.includes(p.id)).map((p) => ({ value: p.id, label: personName(p) }))}
            comboboxProps={{ withinPortal: true }}
            error={form.errors.participantIds ? true : undefined}
            aria-describedby={form.errors.participantIds ? 'participants-error' : undefined}
          />
          <Button
            variant="light"
            leftSection={<IconPlus size={16} />}
            disabled={!adding}
            onClick={() => {
              if (!adding) return;
              form.setFieldValue('participantIds', [...ids, adding]);
              form.clearFieldError('participantIds');
              setAdding(null);
            }}
          >
            Add
          </Button>
        </Group>
        {form.errors.participantIds && (
          <Text size="sm" c="red" id="participants-error">
            {form.errors.participantIds}
          </Text>
        )}
      </Stack>

      <Stack gap={6}>
        <Text size="sm" fw={500}>
          Restrictions
        </Text>
        <Text size="xs" c="dimmed">
          Optional: the layer applies only inside these windows (e.g. weekdays 09:00–17:00); outside them a lower layer
          or nobody is on call.
        </Text>
        {form.values.restrictions.map((_, i) => (
          <Group key={i} gap="xs" align="flex-end" wrap="nowrap">
            <MultiSelect
              label="Days"
              placeholder="Every day"
              data={DAY_OPTIONS}
              style={{ flex: 1 }}
              comboboxProps={{ withinPortal: true }}
              {...form.getInputProps(`restrictions.${i}.days`)}
            />
            <TextInput label="From" w={90} placeholder="09:00" {...form.getInputProps(`restrictions.${i}.from`)} />
            <TextInput label="To" w={90} placeholder="17:00" {...form.getInputProps(`restrictions.${i}.to`)} />
            <ActionIcon
              variant="subtle"
              color="red"
              mb={4}
              aria-label={`Remove restriction ${i + 1}`}
              onClick={() => form.removeListItem('restrictions', i)}
            >
              <IconX size={16} />
            </ActionIcon>
          </Group>
        ))}
        <Group>
          <Button
            variant="subtle"
            size="xs"
            leftSection={<IconPlus size={14} />}
            onClick={() => form.insertListItem('restrictions', { days: [], from: '09:00', to: '17:00' })}
          >
            Add restriction
          </Button>
        </Group>
      </Stack>
    </FormModal>
  );
}
