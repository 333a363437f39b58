import { Anchor, Badge, Card, Code, Group, Text, Title } from '@mantine/core';
import { IconBrandAws, IconExternalLink } from '@tabler/icons-react';
import { DetailList } from '@/components/DetailList';
import type { IncidentDetailFieldsFragment } from '@/gql/graphql';
import { formatDateTime } from '@/lib/format';

type Alarm = NonNullable<IncidentDetailFieldsFragment['alarm']>;

const OPERATORS: Record<string, string> = {
  GreaterThanOrEqualToThreshold: '≥',
  GreaterThanThreshold: '>',
  LessThanThreshold: '<',
  LessThanOrEqualToThreshold: '≤',
  LessThanLowerOrGreaterThanUpperThreshold: 'outside the band',
  LessThanLowerThreshold: 'below the band',
  GreaterThanUpperThreshold: 'above the band',
};

/** "60 s", "5 min", "1 h". */
export function formatPeriod(seconds: number): string {
  if (seconds >= 3600 && seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds >= 60 && seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/**
 * The CloudWatch facts of the alarm that opened the incident. The alarm's reason is not repeated
 * here: the timeline shows it with each state change (opened, resolved).
 */
export function AlarmDetails({ alarm }: { alarm: Alarm }) {
  const metric = [alarm.metricNamespace, alarm.metricName].filter(Boolean).join(' / ');
  const c = alarm.condition;
  const op = c ? (OPERATORS[c.comparisonOperator] ?? c.comparisonOperator) : '';
  return (
    <Card withBorder radius="md" padding="md" data-testid="alarm-details">
      <Group gap="xs" mb="sm" justify="space-between">
        <Group gap="xs">
          <IconBrandAws size={20} aria-hidden />
          <Title order={2} size="h5">
            CloudWatch alarm
          </Title>
        </Group>
        {alarm.consoleUrl && (
          <Anchor href={alarm.consoleUrl} target="_blank" rel="noopener noreferrer" size="sm">
            <Group gap={4} component="span">
              Open in CloudWatch <IconExternalLink size={14} aria-hidden />
            </Group>
          </Anchor>
        )}
      </Group>
      {c && (
        <Text size="sm" fw={600} mb="sm" data-testid="alarm-condition">
          {c.summary}
        </Text>
      )}
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
          { label: 'Metric', value: metric || '—', hidden: !metric && alarm.kind === 'composite' },
          {
            label: 'Threshold',
            value: c ? `${op} ${c.threshold ?? 'anomaly band'}${c.unit && c.unit !== 'None' ? ` ${c.unit}` : ''}` : '',
            hidden: !c,
          },
          { label: 'Statistic', value: c?.statistic || '—', hidden: !c },
          { label: 'Period', value: c ? formatPeriod(c.period) : '', hidden: !c },
          {
            label: 'Evaluation periods',
            value: c ? `${c.datapointsToAlarm} of ${c.evaluationPeriods} must breach` : '',
            hidden: !c,
          },
          { label: 'Missing data', value: c?.treatMissingData ?? '', hidden: !c?.treatMissingData },
          {
            label: 'Dimensions',
            value: (
              <Group gap={6}>
                {alarm.dimensions.map((d) => (
                  <Badge key={`${d.name}=${d.value}`} variant="light" color="gray" radius="sm" tt="none">
                    {d.name} = {d.value}
                  </Badge>
                ))}
              </Group>
            ),
            hidden: alarm.dimensions.length === 0,
          },
          { label: 'Region', value: `${alarm.regionName}${alarm.region ? ` (${alarm.region})` : ''}` },
          { label: 'AWS account', value: alarm.awsAccountId },
          { label: 'Kind', value: alarm.kind.replace('_', ' ') },
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
      <Text size="xs" c="dimmed" mt="xs">
        The alarm&apos;s reason is in the timeline, with each state change.
      </Text>
    </Card>
  );
}
