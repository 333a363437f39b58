import {
  Anchor,
  Box,
  Breadcrumbs,
  Button,
  Card,
  ColorInput,
  Grid,
  Group,
  SegmentedControl,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconExternalLink, IconTrash } from '@tabler/icons-react';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useQuery } from 'urql';
import { EmptyState } from '@/components/EmptyState';
import { FormErrors } from '@/components/FormErrors';
import { useInvalidFocus } from '@/components/FormModal';
import { QueryError } from '@/components/QueryError';
import { TableSkeleton } from '@/components/TableSkeleton';
import { confirmDanger } from '@/components/confirm';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';
import { splitUserErrors } from '@/lib/graphql/user-errors';
import { roleAtLeast } from '@/lib/roles';
import {
  CreateStatusPageMutation,
  DeleteStatusPageMutation,
  PageComponentOptionsQuery,
  StatusPageQuery,
  UpdateStatusPageMutation,
  statusPagesContext,
} from './api';
import { CopyLink } from './components/CopyLink';
import { GroupsEditor } from './components/GroupsEditor';
import { OpenPageButton } from './components/OpenPageButton';
import { PagePreview } from './components/PagePreview';
import { Subscribers } from './components/Subscribers';
import { ViewerLinks } from './components/ViewerLinks';
import { PAGE_ALIASES, PAGE_FIELDS, componentsInput, emptyPage, slugify, valuesOf, type PageValues } from './form';

const componentOptionsContext = { additionalTypenames: ['Component'] };

export default function StatusPageEditorPage() {
  const { accountId = '', pageId } = useParams();
  const creating = !pageId;
  const navigate = useNavigate();
  const list = `/accounts/${accountId}/status-pages`;
  const [{ data: compData }] = useQuery({ query: PageComponentOptionsQuery, variables: { accountId }, context: componentOptionsContext });
  const [{ data, error, fetching }, refetch] = useQuery({
    query: StatusPageQuery,
    variables: { id: pageId ?? '' },
    context: statusPagesContext,
    pause: creating,
  });
  const page = data?.statusPage;
  const components = useMemo(() => compData?.account?.components ?? [], [compData]);
  const canAdmin = roleAtLeast(compData?.account?.myRole, 'ADMIN');

  const form = useForm<PageValues>({
    mode: 'controlled',
    initialValues: emptyPage(),
    validate: {
      name: (v) => (!v.trim() ? 'Name is required' : null),
      slug: (v) => (!v.trim() ? 'Slug is required' : /^[a-z0-9]+(-[a-z0-9]+)*$/.test(v.trim()) ? null : 'Use lower-case letters, digits and single dashes'),
      brandColor: (v) => (v && !/^#[0-9a-fA-F]{6}$/.test(v) ? 'A colour like #1f6feb' : null),
    },
  });
  const [general, setGeneral] = useState<string[]>([]);
  const [slugTouched, setSlugTouched] = useState(!creating);
  const { ref, focusInvalid } = useInvalidFocus();

  // Load the page into the form once per page (later reloads keep what is being edited).
  const loadedFor = useRef<string | null>(null);
  useEffect(() => {
    if (page && loadedFor.current !== page.id) {
      loadedFor.current = page.id;
      const v = valuesOf(page);
      form.setValues(v);
      form.resetDirty(v);
    }
  }, [page, form]);

  const failTitle = creating ? 'Could not create the status page' : 'Could not save the status page';
  const [, create] = useMutationWithErrors(CreateStatusPageMutation, (d) => d.createStatusPage, { failTitle, context: statusPagesContext });
  const [, update] = useMutationWithErrors(UpdateStatusPageMutation, (d) => d.updateStatusPage, { failTitle, context: statusPagesContext });
  const [, remove] = useMutationWithErrors(DeleteStatusPageMutation, (d) => d.deleteStatusPage, {
    failTitle: 'Could not delete the status page',
    context: statusPagesContext,
  });

  const submit = form.onSubmit(async (v) => {
    setGeneral([]);
    const fields = {
      name: v.name.trim(),
      slug: v.slug.trim(),
      headline: v.headline.trim(),
      logoUrl: v.logoUrl.trim(),
      // Empty: the page keeps its colour (the server's default for a new page).
      ...(v.brandColor.trim() ? { brandColor: v.brandColor.trim() } : {}),
      supportUrl: v.supportUrl.trim(),
      customHost: v.customHost.trim(),
      visibility: v.visibility,
      components: componentsInput(v.groups),
    };
    const out = page
      ? await update({ input: { id: page.id, ...fields } }, { success: `Saved ${fields.name}.` })
      : await create(
          { input: { accountId, ...fields, customHost: fields.customHost || null } },
          { success: `Created status page ${fields.name}.` },
        );
    if (out.ok) {
      form.resetDirty();
      const saved = out.payload.statusPage;
      if (creating && saved) navigate(`${list}/${saved.id}`);
      return;
    }
    const split = splitUserErrors(out.errors, PAGE_FIELDS, PAGE_ALIASES);
    form.setErrors(split.fields);
    setGeneral(split.general);
    focusInvalid();
  }, focusInvalid);

  async function onDelete() {
    if (!page) return;
    const ok = await confirmDanger({
      title: `Delete ${page.name}?`,
      message: 'The page, its viewer links and its subscribers are deleted; its address answers 404.',
      confirmLabel: 'Delete page',
    });
    if (!ok) return;
    const out = await remove({ id: page.id }, { success: `Deleted ${page.name}.`, notifyUserErrors: true });
    if (out.ok) navigate(list);
  }

  const title = creating ? 'New status page' : (page?.name ?? 'Status page');
  const crumbs = (
    <Breadcrumbs mb="xs" fz="sm">
      <Anchor component={Link} to={list}>
        Status pages
      </Anchor>
      <span>{title}</span>
    </Breadcrumbs>
  );
  if (!creating) {
    if (error && !data) return <>{crumbs}<QueryError error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} /></>;
    if (fetching && !data) return <>{crumbs}<TableSkeleton label="Loading the status page" /></>;
    if (!page || page.accountId !== accountId) {
      return (
        <>
          {crumbs}
          <EmptyState title="Status page not found">It does not exist, or it belongs to another account.</EmptyState>
        </>
      );
    }
  }

  return (
    <>
      {crumbs}
      <Group justify="space-between" align="flex-end" mb="lg" wrap="wrap" gap="sm">
        <Stack gap={4}>
          <Title order={1} size="h2">
            {title}
          </Title>
          {page && <CopyLink url={page.url} />}
        </Stack>
        {page && (
          <Group gap="sm">
            {page.visibility === 'PRIVATE' ? (
              <OpenPageButton pageId={page.id} />
            ) : (
              <Button component="a" href={page.url} target="_blank" rel="noreferrer" variant="default" leftSection={<IconExternalLink size={16} />}>
                Open page
              </Button>
            )}
            {canAdmin && (
              <Button variant="subtle" color="red" leftSection={<IconTrash size={16} />} onClick={onDelete}>
                Delete
              </Button>
            )}
          </Group>
        )}
      </Group>
      <Grid gutter="lg">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Card withBorder radius="md" padding="md">
            <form ref={ref} onSubmit={submit} noValidate aria-label="Status page">
              <fieldset disabled={!canAdmin} style={{ border: 0, padding: 0, margin: 0, minWidth: 0 }}>
                <Stack gap="md">
                  <FormErrors errors={general} />
                  <TextInput
                    label="Name"
                    required
                    data-autofocus
                    {...form.getInputProps('name')}
                    onChange={(e) => {
                      const name = e.currentTarget.value;
                      form.setFieldValue('name', name);
                      if (!slugTouched) form.setFieldValue('slug', slugify(name));
                    }}
                  />
                  <TextInput
                    label="Slug"
                    required
                    description="The page's address: /status/{slug}. Lower-case letters, digits and dashes."
                    {...form.getInputProps('slug')}
                    onChange={(e) => {
                      setSlugTouched(true);
                      form.setFieldValue('slug', e.currentTarget.value);
                    }}
                  />
                  <Stack gap={4}>
                    <Text size="sm" fw={500} id="visibility-label">
                      Visibility
                    </Text>
                    <SegmentedControl
                      aria-labelledby="visibility-label"
                      data={[
                        { value: 'PUBLIC', label: 'Public' },
                        { value: 'PRIVATE', label: 'Private' },
                      ]}
                      {...form.getInputProps('visibility')}
                    />
                    <Text size="xs" c="dimmed">
                      {form.values.visibility === 'PUBLIC'
                        ? 'Anyone with the address reads it.'
                        : 'Only people with a viewer link (or signed in here) read it.'}
                    </Text>
                    {form.errors.visibility && (
                      <Text size="xs" c="red">
                        {form.errors.visibility}
                      </Text>
                    )}
                  </Stack>
                  <TextInput label="Headline" description="One line under the page's name." {...form.getInputProps('headline')} />
                  <TextInput
                    label="Custom host"
                    placeholder="status.example.com"
                    description="Optional: serve the page at the root of your own host name (point its DNS here)."
                    {...form.getInputProps('customHost')}
                  />
                  <Group grow align="flex-start">
                    <TextInput label="Logo URL" placeholder="https://…/logo.svg" {...form.getInputProps('logoUrl')} />
                    <ColorInput label="Brand colour" placeholder="#1f6feb" format="hex" {...form.getInputProps('brandColor')} />
                  </Group>
                  <TextInput label="Support URL" placeholder="https://example.com/support" {...form.getInputProps('supportUrl')} />
                  <GroupsEditor
                    groups={form.values.groups}
                    onChange={(groups) => form.setFieldValue('groups', groups)}
                    components={components}
                    error={form.errors.groups as string | undefined}
                  />
                  {canAdmin && (
                    <Group justify="flex-end">
                      <Button type="submit" loading={form.submitting}>
                        {creating ? 'Create status page' : 'Save'}
                      </Button>
                    </Group>
                  )}
                </Stack>
              </fieldset>
            </form>
          </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Box style={{ position: 'sticky', top: 'calc(var(--app-shell-header-height, 0px) + 16px)' }}>
            <PagePreview values={form.values} components={components} />
          </Box>
        </Grid.Col>
        {page && (
          <Grid.Col span={12}>
            <Stack gap="lg">
              {page.visibility === 'PRIVATE' && <ViewerLinks page={page} canAdmin={canAdmin} />}
              {canAdmin && <Subscribers pageId={page.id} count={page.subscriberCount} />}
            </Stack>
          </Grid.Col>
        )}
      </Grid>
    </>
  );
}
