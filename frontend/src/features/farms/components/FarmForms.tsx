import { Button, Divider, Group, Modal, NumberInput, Select, SimpleGrid, Stack, TagsInput, TextInput, Textarea } from '@mantine/core';
import { useForm, type GetInputPropsReturnType } from '@mantine/form';
import { useState } from 'react';
import { useMutation } from 'urql';
import { FormErrors } from '@/components/FormErrors';
import { splitUserErrors } from '@/lib/graphql/user-errors';
import { notifyError, notifySuccess } from '@/lib/notify';
import { CreateFarmRoleMutation, CreateServerMutation, UpdateFarmMutation, UpdateServerMutation, farmsContext } from '../api';

export function AddRoleModal({ farmId, opened, onClose }: { farmId: string; opened: boolean; onClose: () => void }) {
  const [general, setGeneral] = useState<string[]>([]);
  const [, create] = useMutation(CreateFarmRoleMutation);
  const form = useForm({
    mode: 'controlled',
    initialValues: { alias: '', roleName: '', os: '', imageId: '', behaviors: [] as string[] },
    validate: {
      alias: (v: string) => (v.trim() ? null : 'Alias is required'),
      roleName: (v: string) => (v.trim() ? null : 'Role name is required'),
    },
  });
  const submit = form.onSubmit(async (v) => {
    setGeneral([]);
    const result = await create(
      {
        input: {
          farmId,
          alias: v.alias.trim(),
          roleName: v.roleName.trim(),
          os: v.os.trim(),
          imageId: v.imageId.trim(),
          behaviors: v.behaviors.map((b) => b.trim().toLowerCase()).filter(Boolean),
        },
      },
      farmsContext,
    );
    if (result.error) return notifyError(result.error, 'Could not add the role');
    const p = result.data?.createFarmRole;
    if (!p) return;
    if (p.errors.length) {
      const { fields, general: other } = splitUserErrors(p.errors, ['alias', 'roleName', 'os', 'imageId', 'behaviors']);
      form.setErrors(fields);
      setGeneral(other);
      return;
    }
    notifySuccess(`Added role ${v.alias.trim()}.`);
    form.reset();
    onClose();
  });
  return (
    <Modal opened={opened} onClose={onClose} title="Add a farm role" centered>
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <FormErrors errors={general} />
          <TextInput label="Alias" required data-autofocus placeholder="web" {...form.getInputProps('alias')} />
          <TextInput label="Role name" required placeholder="nginx-ubuntu" {...form.getInputProps('roleName')} />
          <TextInput label="OS" placeholder="ubuntu-22.04" {...form.getInputProps('os')} />
          <TextInput
            label="Image id"
            placeholder="ami-0abc… or project/images/name"
            description="Sent as SCALR_IMAGE_ID (a server can report its own)."
            {...form.getInputProps('imageId')}
          />
          <TagsInput
            label="Behaviours"
            placeholder="base, mysql2, chef…"
            description="Sent as SCALR_BEHAVIORS. Press Enter after each one."
            maxTags={16}
            {...form.getInputProps('behaviors')}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={form.submitting}>
              Add role
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

const SERVER_FIELDS = [
  'hostname',
  'serverType',
  'cloudLocation',
  'cloudZone',
  'cloudServerId',
  'imageId',
  'publicIp',
  'privateIp',
  'status',
  'instanceIndex',
] as const;

/** A server as the farm page has it (for editing). */
export interface EditableServer {
  id: string;
  farmRoleId: string;
  hostname: string;
  serverType: string;
  cloudLocation: string;
  cloudZone: string;
  cloudServerId: string;
  imageId: string;
  publicIp: string;
  privateIp: string;
  status: string;
  instanceIndex: number;
}

interface ServerValues {
  farmRoleId: string | null;
  hostname: string;
  serverType: string;
  cloudLocation: string;
  cloudZone: string;
  cloudServerId: string;
  imageId: string;
  publicIp: string;
  privateIp: string;
  status: string;
  instanceIndex: number | string;
}

const serverFields = (v: ServerValues) => ({
  hostname: v.hostname.trim(),
  serverType: v.serverType.trim(),
  cloudLocation: v.cloudLocation.trim(),
  cloudZone: v.cloudZone.trim(),
  cloudServerId: v.cloudServerId.trim(),
  imageId: v.imageId.trim(),
  publicIp: v.publicIp.trim(),
  privateIp: v.privateIp.trim(),
  status: v.status.trim(),
  instanceIndex: Number(v.instanceIndex) || 1,
});

/** Adds a server to a role, or (with `server`) edits one's reported fields. */
export function ServerFormModal({
  roles,
  server,
  opened,
  onClose,
}: {
  roles: { value: string; label: string }[];
  server?: EditableServer | null;
  opened: boolean;
  onClose: () => void;
}) {
  const editing = Boolean(server);
  const [general, setGeneral] = useState<string[]>([]);
  const [, create] = useMutation(CreateServerMutation);
  const [, update] = useMutation(UpdateServerMutation);
  const form = useForm<ServerValues>({
    mode: 'controlled',
    initialValues: server
      ? { ...server }
      : {
          farmRoleId: roles[0]?.value ?? null,
          hostname: '',
          serverType: '',
          cloudLocation: '',
          cloudZone: '',
          cloudServerId: '',
          imageId: '',
          publicIp: '',
          privateIp: '',
          status: 'running',
          instanceIndex: 1,
        },
    validate: {
      farmRoleId: (v) => (v ? null : 'Pick a role'),
      instanceIndex: (v) => {
        const n = Number(v);
        return Number.isInteger(n) && n >= 1 ? null : 'A whole number, 1 or more';
      },
    },
  });
  const submit = form.onSubmit(async (v) => {
    setGeneral([]);
    const fields = serverFields(v);
    const result = server
      ? await update({ input: { id: server.id, fields } }, farmsContext)
      : await create({ input: { farmRoleId: v.farmRoleId!, fields } }, farmsContext);
    if (result.error) return notifyError(result.error, editing ? 'Could not save the server' : 'Could not add the server');
    const p =
      result.data && 'updateServer' in result.data
        ? result.data.updateServer
        : result.data && 'createServer' in result.data
          ? result.data.createServer
          : null;
    if (!p) return;
    if (p.errors.length) {
      const { fields: byField, general: other } = splitUserErrors(p.errors, ['farmRoleId', ...SERVER_FIELDS]);
      form.setErrors(byField);
      setGeneral(other);
      return;
    }
    notifySuccess(editing ? 'Server saved.' : 'Server added.');
    if (!editing) form.reset();
    onClose();
  });
  return (
    <Modal opened={opened} onClose={onClose} title={editing ? `Edit ${server?.hostname || 'server'}` : 'Add a server'} centered size="lg">
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <FormErrors errors={general} />
          <Select
            label="Farm role"
            required
            data={roles}
            allowDeselect={false}
            disabled={editing}
            description={editing ? 'A server stays in its role.' : undefined}
            comboboxProps={{ withinPortal: true }}
            {...form.getInputProps('farmRoleId')}
          />
          <SimpleGrid cols={2}>
            <TextInput label="Hostname" data-autofocus {...form.getInputProps('hostname')} />
            <TextInput label="Server type" placeholder="m5.large" {...form.getInputProps('serverType')} />
            <TextInput label="Cloud location" placeholder="us-east-1" {...form.getInputProps('cloudLocation')} />
            <TextInput label="Cloud zone" placeholder="us-east-1a" {...form.getInputProps('cloudZone')} />
            <TextInput label="Cloud server id" placeholder="i-0abc…" {...form.getInputProps('cloudServerId')} />
            <TextInput label="Image id" placeholder="empty: the role's" {...form.getInputProps('imageId')} />
            <TextInput label="Status" {...form.getInputProps('status')} />
            <TextInput label="Public IP" {...form.getInputProps('publicIp')} />
            <TextInput label="Private IP" {...form.getInputProps('privateIp')} />
            <NumberInput label="Instance index" min={1} allowDecimal={false} {...form.getInputProps('instanceIndex')} />
          </SimpleGrid>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={form.submitting}>
              {editing ? 'Save server' : 'Add server'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

export function AddServerModal(props: { roles: { value: string; label: string }[]; opened: boolean; onClose: () => void }) {
  return <ServerFormModal {...props} />;
}

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * The farm's team, project and cost centre. Switchboard mirrors them as the provisioning system
 * names them (its ids), and sends them as SCALR_FARM_TEAM, SCALR_PROJECT_* and SCALR_COST_CENTER_*.
 */
export const BILLING_FIELDS = [
  'team',
  'projectId',
  'projectName',
  'projectBillingCode',
  'costCenterId',
  'costCenterName',
  'costCenterBillingCode',
] as const;

export type BillingField = (typeof BILLING_FIELDS)[number];
export type BillingValues = Record<BillingField, string>;

/** Billing values of a farm (or empty ones for a new farm). */
export function billingValues(farm?: Partial<BillingValues> | null): BillingValues {
  return Object.fromEntries(BILLING_FIELDS.map((k) => [k, farm?.[k] ?? ''])) as BillingValues;
}

/** The trimmed billing fields of a form, for createFarm or updateFarm. */
export function billingInput(v: BillingValues): BillingValues {
  return Object.fromEntries(BILLING_FIELDS.map((k) => [k, v[k].trim()])) as BillingValues;
}

/** Team, project and cost centre inputs of the farm forms. */
export function BillingInputs({ inputProps }: { inputProps: (field: BillingField) => GetInputPropsReturnType }) {
  return (
    <>
      <TextInput label="Team" description="Sent as SCALR_FARM_TEAM." {...inputProps('team')} />
      <Divider label="Project" labelPosition="left" />
      <SimpleGrid cols={3}>
        <TextInput label="Project id" description="SCALR_PROJECT_ID" {...inputProps('projectId')} />
        <TextInput label="Project name" description="SCALR_PROJECT_NAME" {...inputProps('projectName')} />
        <TextInput label="Project billing code" description="SCALR_PROJECT_BC" {...inputProps('projectBillingCode')} />
      </SimpleGrid>
      <Divider label="Cost centre" labelPosition="left" />
      <SimpleGrid cols={3}>
        <TextInput label="Cost centre id" description="SCALR_COST_CENTER_ID" {...inputProps('costCenterId')} />
        <TextInput label="Cost centre name" description="SCALR_COST_CENTER_NAME" {...inputProps('costCenterName')} />
        <TextInput label="Cost centre billing code" description="SCALR_COST_CENTER_BC" {...inputProps('costCenterBillingCode')} />
      </SimpleGrid>
    </>
  );
}

/** Name, description and owner email of a farm (members and up). */
export function EditFarmModal({
  farm,
  opened,
  onClose,
}: {
  farm: { id: string; name: string; description: string; ownerEmail: string } & Partial<BillingValues>;
  opened: boolean;
  onClose: () => void;
}) {
  const [general, setGeneral] = useState<string[]>([]);
  const [, update] = useMutation(UpdateFarmMutation);
  const form = useForm({
    mode: 'controlled',
    initialValues: { name: farm.name, description: farm.description, ownerEmail: farm.ownerEmail, ...billingValues(farm) },
    validate: {
      name: (v: string) => (v.trim() ? null : 'Name is required'),
      ownerEmail: (v: string) => (!v.trim() || EMAIL_RE.test(v.trim()) ? null : 'Enter an email address, or leave it empty'),
    },
  });
  const submit = form.onSubmit(async (v) => {
    setGeneral([]);
    const input = {
      id: farm.id,
      name: v.name.trim(),
      description: v.description.trim(),
      ownerEmail: v.ownerEmail.trim(),
      ...billingInput(v),
    };
    const result = await update({ input }, farmsContext);
    if (result.error) return notifyError(result.error, 'Could not save the farm');
    const p = result.data?.updateFarm;
    if (!p) return;
    if (p.errors.length) {
      const { fields, general: other } = splitUserErrors(p.errors, ['name', 'description', 'ownerEmail', ...BILLING_FIELDS]);
      form.setErrors(fields);
      setGeneral(other);
      return;
    }
    notifySuccess(`Saved ${input.name}.`);
    onClose();
  });
  return (
    <Modal opened={opened} onClose={onClose} title={`Edit ${farm.name}`} centered size="lg">
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <FormErrors errors={general} />
          <TextInput label="Name" required data-autofocus {...form.getInputProps('name')} />
          <Textarea label="Description" autosize minRows={2} {...form.getInputProps('description')} />
          <TextInput
            label="Owner email"
            type="email"
            description="Sent to webhooks and approvers as SCALR_FARM_OWNER_EMAIL."
            {...form.getInputProps('ownerEmail')}
          />
          <BillingInputs inputProps={(k) => form.getInputProps(k)} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={form.submitting}>
              Save farm
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
