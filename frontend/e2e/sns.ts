import { sign } from 'node:crypto';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * Builds SNS notifications signed like Amazon SNS does (SignatureVersion 2: SHA256withRSA over
 * the canonical string), with the throwaway key scripts/e2e.sh pins into the server.
 */

export interface AlarmSpec {
  topicArn: string;
  alarmName: string;
  newState: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA';
  oldState: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA';
  reason: string;
  /** When the alarm changed state. */
  changedAt: Date;
}

const AWS_ACCOUNT = '123456789012';

function snsEnv() {
  const keyPath = process.env.E2E_SNS_KEY;
  const certName = process.env.E2E_SNS_CERT_NAME;
  if (!keyPath || !certName) {
    throw new Error('E2E_SNS_KEY and E2E_SNS_CERT_NAME are not set: run the suite through scripts/e2e.sh');
  }
  return { key: readFileSync(keyPath, 'utf8'), certName };
}

/** `2024-01-01T00:00:00.000+0000`, CloudWatch's StateChangeTime format. */
export function cloudWatchTime(d: Date): string {
  return d.toISOString().replace('Z', '+0000');
}

export function topicArn(name: string): string {
  return `arn:aws:sns:us-east-1:${AWS_ACCOUNT}:${name}`;
}

/** The CloudWatch alarm message SNS carries as `Message`. */
export function alarmMessage(a: AlarmSpec): string {
  return JSON.stringify({
    AlarmName: a.alarmName,
    AlarmDescription: 'p99 latency of the checkout API',
    AWSAccountId: AWS_ACCOUNT,
    AlarmConfigurationUpdatedTimestamp: '2024-01-01T00:00:00.000+0000',
    NewStateValue: a.newState,
    NewStateReason: a.reason,
    StateChangeTime: cloudWatchTime(a.changedAt),
    Region: 'US East (N. Virginia)',
    AlarmArn: `arn:aws:cloudwatch:us-east-1:${AWS_ACCOUNT}:alarm:${a.alarmName}`,
    OldStateValue: a.oldState,
    OKActions: [a.topicArn],
    AlarmActions: [a.topicArn],
    InsufficientDataActions: [],
    Trigger: {
      MetricName: 'Latency',
      Namespace: 'AWS/ApiGateway',
      StatisticType: 'Statistic',
      Statistic: 'AVERAGE',
      Unit: null,
      Dimensions: [{ value: 'checkout', name: 'ApiName' }],
      Period: 60,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 2000,
      TreatMissingData: 'missing',
    },
  });
}

/** A signed SNS Notification envelope (the HTTP body SNS POSTs), as JSON text. */
export function signedNotification(a: AlarmSpec, now: Date = new Date()): string {
  const { key, certName } = snsEnv();
  const fields = {
    Type: 'Notification',
    MessageId: randomUUID(),
    TopicArn: a.topicArn,
    Subject: `${a.newState}: "${a.alarmName}" in US East (N. Virginia)`,
    Message: alarmMessage(a),
    Timestamp: now.toISOString(),
  };
  const toSign =
    `Message\n${fields.Message}\n` +
    `MessageId\n${fields.MessageId}\n` +
    `Subject\n${fields.Subject}\n` +
    `Timestamp\n${fields.Timestamp}\n` +
    `TopicArn\n${fields.TopicArn}\n` +
    `Type\n${fields.Type}\n`;
  const signature = sign('sha256', Buffer.from(toSign, 'utf8'), key).toString('base64');
  return JSON.stringify({
    ...fields,
    SignatureVersion: '2',
    Signature: signature,
    SigningCertURL: `https://sns.us-east-1.amazonaws.com/${certName}`,
    UnsubscribeURL: `https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${a.topicArn}:${randomUUID()}`,
  });
}

/** POSTs a body to an integration URL the way SNS does (text/plain). */
export async function postToSns(url: string, body: string): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: {
      'Content-Type': 'text/plain; charset=UTF-8',
      'x-amz-sns-message-type': 'Notification',
      'User-Agent': 'Amazon Simple Notification Service Agent',
    },
    body,
  });
}
