import { Button, Group, Modal, NumberInput, Select, SimpleGrid, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { useMutation } from 'urql';
import { FormErrors } from '@/components/FormErrors';
import { splitUserErrors } from '@/lib/graphql/user-errors';
import { notifyError, notifySuccess } from '@/lib/notify';
import { CreateFarmRoleMutation, CreateServerMutation, farmsContext } from '../api';

export function AddRoleModal({ farmId, opened, onClose }: { farmId: string; opened: boolean; onClose: () => void }) {
  const [general, setGeneral] = useState<string[]>([]);
  const [, create] = useMutation(CreateFarmRoleMutation);
  const form = useForm({
    mode: 'controlled',
    initialValues: { alias: '', roleName: '', os: '' },
    validate: {
      alias: (v: string) => (v.trim() ? null : 'Alias is required'),
      roleName: (v: string) => (v.trim() ? null : 'Role name is required'),
    },
  });
  const submit = form.onSubmit(async (v) => {
    setGeneral([]);
    const result = await create(
      { input: { farmId, alias: v.alias.trim(), roleName: v.roleName.trim(), os: v.os.trim() } },
      farmsContext,
    );
    if (result.error) return notifyError(result.error, 'Could not add the role');
    const p = result.data?.createFarmRole;
    if (!p) return;
    if (p.errors.length) {
      const { fields, general: other } = splitUserErrors(p.errors, ['alias', 'roleName', 'os']);
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
  'publicIp',
  'privateIp',
  'status',
  'instanceIndex',
] as const;

export function AddServerModal({
  roles,
  opened,
  onClose,
}: {
  roles: { value: string; label: string }[];
  opened: boolean;
  onClose: () => void;
}) {
  const [general, setGeneral] = useState<string[]>([]);
  const [, create] = useMutation(CreateServerMutation);
  const form = useForm({
    mode: 'controlled',
    initialValues: {
      farmRoleId: roles[0]?.value ?? null,
      hostname: '',
      serverType: '',
      cloudLocation: '',
      cloudZone: '',
      cloudServerId: '',
      publicIp: '',
      privateIp: '',
      status: 'running',
      instanceIndex: 1 as number | string,
    },
    validate: { farmRoleId: (v: string | null) => (v ? null : 'Pick a role') },
  });
  const submit = form.onSubmit(async (v) => {
    setGeneral([]);
    const result = await create(
      {
        input: {
          farmRoleId: v.farmRoleId!,
          fields: {
            hostname: v.hostname.trim(),
            serverType: v.serverType.trim(),
            cloudLocation: v.cloudLocation.trim(),
            cloudZone: v.cloudZone.trim(),
            cloudServerId: v.cloudServerId.trim(),
            publicIp: v.publicIp.trim(),
            privateIp: v.privateIp.trim(),
            status: v.status.trim(),
            instanceIndex: Number(v.instanceIndex) || 1,
          },
        },
      },
      farmsContext,
    );
    if (result.error) return notifyError(result.error, 'Could not add the server');
    const p = result.data?.createServer;
    if (!p) return;
    if (p.errors.length) {
      const { fields, general: other } = splitUserErrors(p.errors, ['farmRoleId', ...SERVER_FIELDS]);
      form.setErrors(fields);
      setGeneral(other);
      return;
    }
    notifySuccess('Server added.');
    form.reset();
    onClose();
  });
  return (
    <Modal opened={opened} onClose={onClose} title="Add a server" centered size="lg">
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <FormErrors errors={general} />
          <Select label="Farm role" required data={roles} allowDeselect={false} comboboxProps={{ withinPortal: true }} {...form.getInputProps('farmRoleId')} />
          <SimpleGrid cols={2}>
            <TextInput label="Hostname" data-autofocus {...form.getInputProps('hostname')} />
            <TextInput label="Server type" placeholder="m5.large" {...form.getInputProps('serverType')} />
            <TextInput label="Cloud location" placeholder="us-east-1" {...form.getInputProps('cloudLocation')} />
            <TextInput label="Cloud zone" placeholder="us-east-1a" {...form.getInputProps('cloudZone')} />
            <TextInput label="Cloud server id" placeholder="i-0abc…" {...form.getInputProps('cloudServerId')} />
            <TextInput label="Status" {...form.getInputProps('status')} />
            <TextInput label="Public IP" {...form.getInputProps('publicIp')} />
            <TextInput label="Private IP" {...form.getInputProps('privateIp')} />
            <NumberInput label="Instance index" min={1} {...form.getInputProps('instanceIndex')} />
          </SimpleGrid>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={form.submitting}>
              Add server
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
