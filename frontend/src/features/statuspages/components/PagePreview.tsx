import { Badge, Box, Card, Group, Image, Paper, Stack, Text, Title } from '@mantine/core';
import { PublicStatusText } from '@/components/PublicStatus';
import type { ComponentStatus } from '@/gql/graphql';
import { PUBLIC_STATUS, rollup, worstStatus } from '@/lib/public-status';
import type { PageValues } from '../form';

const HEX = /^#[0-9a-fA-F]{6}$/;

/**
 * The page as customers will read it, drawn from the form as it is being edited: the banner
 * (the public page's rollup), then the groups and their components with their published status.
 */
export function PagePreview({
  values,
  components,
}: {
  values: PageValues;
  components: readonly { id: string; name: string; publicStatus: ComponentStatus }[];
}) {
  const byId = new Map(components.map((c) => [c.id, c]));
  const groups = values.groups
    .map((g) => ({
      name: g.name.trim(),
      items: g.items
        .map((i) => {
          const c = byId.get(i.componentId);
          return c ? { id: c.id, name: i.displayName.trim() || c.name, status: c.publicStatus } : null;
        })
        .filter((x): x is { id: string; name: string; status: ComponentStatus } => x !== null),
    }))
    .filter((g) => g.items.length > 0);
  const statuses = groups.flatMap((g) => g.items.map((i) => i.status));
  const banner = rollup(statuses);
  const accent = HEX.test(values.brandColor) ? values.brandColor : undefined;
  const tone = PUBLIC_STATUS[banner.tone].color;

  return (
    <Paper withBorder radius="md" p="md" aria-label="Preview" role="region" data-testid="page-preview">
      <Stack gap="sm">
        <Group justify="space-between" wrap="nowrap">
          <Group gap="xs" wrap="nowrap">
            {values.logoUrl.trim() && <Image src={values.logoUrl.trim()} alt="" h={28} w="auto" fit="contain" />}
            <Title order={2} size="h4" style={accent ? { color: accent } : undefined}>
              {values.name.trim() || 'Untitled page'}
            </Title>
          </Group>
          <Badge variant="outline" color="gray" radius="sm">
            Preview
          </Badge>
        </Group>
        {values.headline.trim() && <Text size="sm">{values.headline.trim()}</Text>}
        <Box
          p="sm"
          bg={`${tone}.1`}
          c={`${tone}.9`}
          style={{ borderRadius: 8, borderLeft: `4px solid ${accent ?? `var(--mantine-color-${tone}-6)`}` }}
          role="status"
          data-testid="preview-banner"
          data-indicator={banner.indicator}
        >
          <Text fw={600}>
            <span aria-hidden="true">{banner.icon} </span>
            {banner.text}
          </Text>
        </Box>
        {groups.length === 0 && (
          <Text size="sm" c="dimmed">
            This page shows no components yet.
          </Text>
        )}
        {groups.map((g, gi) => (
          <Card withBorder padding="xs" radius="sm" key={`${g.name}-${gi}`} data-testid="preview-group">
            {g.name && (
              <Group justify="space-between" mb={4} wrap="nowrap">
                <Text fw={600} size="sm">
                  {g.name}
                </Text>
                <PublicStatusText value={worstStatus(g.items.map((i) => i.status))} />
              </Group>
            )}
            <Stack gap={4}>
              {g.items.map((i) => (
                <Group key={i.id} justify="space-between" wrap="nowrap" pl={g.name ? 'sm' : 0} data-testid="preview-component">
                  <Text size="sm">{i.name}</Text>
                  <PublicStatusText value={i.status} />
                </Group>
              ))}
            </Stack>
          </Card>
        ))}
      </Stack>
    </Paper>
  );
}
