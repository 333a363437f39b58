import { Divider, NumberInput, Select, SimpleGrid, TagsInput, TextInput, Textarea } from '@mantine/core';
import { useForm, type GetInputPropsReturnType } from '@mantine/form';
import { FormModal } from '@/components/FormModal';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';
import { CreateFarmMutation, CreateFarmRoleMutation, CreateServerMutation, UpdateFarmMutation, UpdateServerMutation, farmsContext } from '../api';
export function AddRoleModal({ farmId, opened, onClose }: { farmId: string; opened: boolean; onClose: () => void }) {
  const [, create] = useMutationWithErrors(CreateFarmRoleMutation, (d) => d.createFarmRole, {
    failTitle: 'Could not add the role',
    context: farmsContext,
  });
  const form = useForm({
    mode: 'controlled',
    initialValues: EMPTY_ROLE,
    validate: {
      alias: (v: string) => (v.trim() ? null : 'Alias is required'),
      roleName: (v: string) => (v.trim() ? null : 'Role name is required'),
    },
  });
  return (
    <FormModal
      opened={opened}
      onClose={onClose}
      title="Add a farm role"
      form={form}
      values={EMPTY_ROLE}
      submitLabel="Add role"
      onSubmit={(v) =>
        create(
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
          { success: `Added role ${v.alias.trim()}.` },
        )
      }
    >
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
    </FormModal>
  );
}

const EMPTY_ROLE = { alias: '', roleName: '', os: '', imageId: '', behaviors: [] as string[] };

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

type ServerValues = {
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
};

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
  const [, create] = useMutationWithErrors(CreateServerMutation, (d) => d.createServer, {
    failTitle: 'Could not add the server',
    context: farmsContext,
  });
  const [, update] = useMutationWithErrors(UpdateServerMutation, (d) => d.updateServer, {
    failTitle: 'Could not save the server',
    context: farmsContext,
  });
  const values: ServerValues = server
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
      };
  const form = useForm<ServerValues>({
    mode: 'controlled',
    initialValues: values,
    validate: {
      farmRoleId: (v) => (v ? null : 'Pick a role'),
      instanceIndex: (v) => {
        const n = Number(v);
        return Number.isInteger(n) && n >= 1 ? null : 'A whole number, 1 or more';
      },
    },
  });
  return (
    <FormModal
      opened={opened}
      onClose={onClose}
      title={editing ? `Edit ${server?.hostname || 'server'}` : 'Add a server'}
      size="lg"
      form={form}
      values={values}
      resetKey={server?.id}
      submitLabel={editing ? 'Save server' : 'Add server'}
      onSubmit={(v) =>
        server
          ? update({ input: { id: server.id, fields: serverFields(v) } }, { success: 'Server saved.' })
          : create({ input: { farmRoleId: v.farmRoleId!, fields: serverFields(v) } }, { success: 'Server added.' })
      }
    >
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
    </FormModal>
  );
}

export function AddServerModal(props: { roles: { value: string; label: string }[]; opened: boolean; onClose: () => void }) {
  return <ServerFormModal {...props} />;
}

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const ownerEmailProblem = (v: string) => (!v.trim() || EMAIL_RE.test(v.trim()) ? null : 'Enter an email address, or leave it empty');

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
  const [, update] = useMutationWithErrors(UpdateFarmMutation, (d) => d.updateFarm, { failTitle: 'Could not save the farm', context: farmsContext });
  const values = { name: farm.name, description: farm.description, ownerEmail: farm.ownerEmail, ...billingValues(farm) };
  const form = useForm({
    mode: 'controlled',
    initialValues: values,
    validate: {
      name: (v: string) => (v.trim() ? null : 'Name is required'),
      ownerEmail: ownerEmailProblem,
    },
  });
  return (
    <FormModal
      opened={opened}
      onClose={onClose}
      title={`Edit ${farm.name}`}
      size="lg"
      form={form}
      values={values}
      resetKey={farm.id}
      submitLabel="Save farm"
      onSubmit={(v) => {
        const name = v.name.trim();
        const input = { id: farm.id, name, description: v.description.trim(), ownerEmail: v.ownerEmail.trim(), ...billingInput(v) };
        return update({ input }, { success: `Saved ${name}.` });
      }}
    >
      <TextInput label="Name" required data-autofocus {...form.getInputProps('name')} />
      <Textarea label="Description" autosize minRows={2} {...form.getInputProps('description')} />
      <TextInput
        label="Owner email"
        type="email"
        description="Sent to webhooks and approvers as SCALR_FARM_OWNER_EMAIL."
        {...form.getInputProps('ownerEmail')}
      />
      <BillingInputs inputProps={(k) => form.getInputProps(k)} />
    </FormModal>
  );
}

/** A new farm in one of the account's environments (members and up). */
export function NewFarmModal({
  opened,
  onClose,
  environments,
  defaultEnvironmentId,
}: {
  opened: boolean;
  onClose: () => void;
  environments: { value: string; label: string }[];
  defaultEnvironmentId: string | null;
}) {
  const [, create] = useMutationWithErrors(CreateFarmMutation, (d) => d.createFarm, { failTitle: 'Could not create the farm', context: farmsContext });
  const values = { environmentId: defaultEnvironmentId, name: '', description: '', ownerEmail: '', ...billingValues() };
  const form = useForm({
    mode: 'controlled',
    initialValues: values,
    validate: {
      environmentId: (v: string | null) => (v ? null : 'Pick an environment'),
      name: (v: string) => (v.trim() ? null : 'Name is required'),
    },
  });
  return (
    <FormModal
      opened={opened}
      onClose={onClose}
      title="New farm"
      size="lg"
      form={form}
      values={values}
      resetKey={defaultEnvironmentId}
      submitLabel="Create farm"
      onSubmit={(v) => {
        const name = v.name.trim();
        const input = { environmentId: v.environmentId!, name, description: v.description.trim(), ownerEmail: v.ownerEmail.trim(), ...billingInput(v) };
        return create({ input }, { success: `Created farm ${name}.` });
      }}
    >
      <Select
        label="Environment"
        required
        data={environments}
        allowDeselect={false}
        comboboxProps={{ withinPortal: true }}
        {...form.getInputProps('environmentId')}
      />
      <TextInput label="Name" required data-autofocus {...form.getInputProps('name')} />
      <Textarea label="Description" autosize minRows={2} {...form.getInputProps('description')} />
      <TextInput label="Owner email" type="email" {...form.getInputProps('ownerEmail')} />
      <BillingInputs inputProps={(k) => form.getInputProps(k)} />
    </FormModal>
  );
}
