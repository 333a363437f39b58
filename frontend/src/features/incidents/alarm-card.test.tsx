import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { createMockClient } from '@/testing/mock-client';
import { renderRoute } from '@/testing/render';
import { AlarmDetails, formatPeriod } from './components/AlarmDetails';
import { IncidentTimeline } from './components/IncidentTimeline';

const alarm = {
  name: 'orders-db-cpu-high',
  description: 'CPU of the orders database',
  arn: 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:orders-db-cpu-high',
  awsAccountId: '123456789012',
  region: 'eu-west-1',
  regionName: 'Europe (Ireland)',
  kind: 'metric',
  newState: 'ALARM',
  oldState: 'OK',
  reason: 'Threshold Crossed: 1 datapoint [91.0] was greater than the threshold (80.0).',
  stateChangeTime: '2026-01-01T10:00:00Z',
  metricNamespace: 'AWS/RDS',
  metricName: 'CPUUtilization',
  rule: null,
  condition: {
    statistic: 'AVERAGE',
    period: 60,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
    comparisonOperator: 'GreaterThanThreshold',
    threshold: 80,
    treatMissingData: 'missing',
    unit: 'Percent',
    summary: 'AVERAGE > 80 for 2 of 3 periods of 60 s',
  },
  dimensions: [{ name: 'DBInstanceIdentifier', value: 'orders-db' }],
  consoleUrl: 'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/orders-db-cpu-high',
};

describe('alarm card', () => {
  it('shows the condition, threshold, statistic, periods, dimensions and the CloudWatch link; the reason only in the timeline', async () => {
    const { client } = createMockClient({});
    renderRoute(
      <>
        <AlarmDetails alarm={alarm} />
        <IncidentTimeline
          entries={[{ id: 't1', kind: 'opened', actorLabel: 'AWS', body: alarm.reason, createdAt: '2026-01-01T10:00:00Z', actor: null }]}
        />
      </>,
      { client },
    );
    const card = await screen.findByTestId('alarm-details');
    expect(within(card).getByTestId('alarm-condition')).toHaveTextContent('AVERAGE > 80 for 2 of 3 periods of 60 s');
    expect(card).toHaveTextContent('> 80 Percent');
    expect(card).toHaveTextContent('AVERAGE');
    expect(card).toHaveTextContent('1 min');
    expect(card).toHaveTextContent('2 of 3 must breach');
    expect(card).toHaveTextContent('DBInstanceIdentifier = orders-db');
    const link = within(card).getByRole('link', { name: /Open in CloudWatch/ });
    expect(link).toHaveAttribute('href', alarm.consoleUrl);
    expect(link).toHaveAttribute('target', '_blank');
    expect(link).toHaveAttribute('rel', 'noopener noreferrer');
    // The reason once: in the timeline, not in the card.
    expect(card).not.toHaveTextContent('Threshold Crossed');
    expect(screen.getAllByText(/Threshold Crossed/)).toHaveLength(1);
  });

  it('hides the condition of a composite alarm and the link without a region', async () => {
    const { client } = createMockClient({});
    renderRoute(<AlarmDetails alarm={{ ...alarm, kind: 'composite', condition: null, dimensions: [], consoleUrl: null }} />, { client });
    const card = await screen.findByTestId('alarm-details');
    expect(within(card).queryByTestId('alarm-condition')).not.toBeInTheDocument();
    expect(within(card).queryByRole('link')).not.toBeInTheDocument();
    expect(card).not.toHaveTextContent('Threshold');
  });

  it('formats periods', () => {
    expect(formatPeriod(60)).toBe('1 min');
    expect(formatPeriod(90)).toBe('90 s');
    expect(formatPeriod(3600)).toBe('1 h');
  });
});
