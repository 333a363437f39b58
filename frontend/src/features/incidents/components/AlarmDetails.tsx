import { Card, Code, Group, Text, Title } from '@mantine/core';
import { IconBrandAws } from '@tabler/icons-react';
import { DetailList } from '@/components/DetailList';
import type { IncidentDetailFieldsFragment } from '@/gql/graphql';
import { formatDateTime } from '@/lib/format';

type Alarm = NonNullable<IncidentDetailFieldsFragment['alarm']>;

export function AlarmDetails({ alarm }: { alarm: Alarm }) {
  const metric = [alarm.metricNamespace, alarm.metricName].filter(Boolean).join(' / ');
  return (
    <Card withBorder radius="md" padding="md" data-testid="alarm-details">
      <Group gap="xs" mb="sm">
        <IconBrandAws size={20} aria-hidden />
        <Title order={2} size="h5">
          CloudWatch alarm
        </Title>
      </Group>
      <DetailList
        items={[
          { label: 'Alarm name', value: alarm.name },
          {
            label: 'State change',
            value: (
              <>
                {alarm.oldState} → <b>{alarm.newState}</b>
              </>
            ),
          },
          { label: 'Changed at', value: formatDateTime(alarm.stateChangeTime) },
          { label: 'Region', value: `${alarm.regionName}${alarm.region ? ` (${alarm.region})` : ''}` },
          { label: 'AWS account', value: alarm.awsAccountId },
          { label: 'Kind', value: alarm.kind.replace('_', ' ') },
          { label: 'Metric', value: metric || '—', hidden: !metric && alarm.kind === 'composite' },
          { label: 'Rule', value: <Code>{alarm.rule}</Code>, hidden: !alarm.rule },
          { label: 'Description', value: alarm.description, hidden: !alarm.description },
        ]}
      />
      <Text size="xs" c="dimmed" tt="uppercase" fw={600} mt="md">
        Alarm ARN
      </Text>
      <Code block fz="xs" style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}>
        {alarm.arn}
      </Code>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600} mt="md">
        Reason
      </Text>
      <Text size="sm">{alarm.reason}</Text>
    </Card>
  );
}
