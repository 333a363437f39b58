/** Placeholder shown in commands until the user tells us the topic. */
export const TOPIC_PLACEHOLDER = 'arn:aws:sns:REGION:ACCOUNT_ID:TOPIC_NAME';

const TOPIC_RE = /^arn:aws(-[a-z]+)*:sns:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,256})$/;

export function parseTopicArn(arn: string): { region: string; account: string; name: string } | null {
  const m = TOPIC_RE.exec(arn.trim());
  return m ? { region: m[2], account: m[3], name: m[4] } : null;
}

/** The subscription protocol SNS needs for a webhook URL: it follows the URL's scheme. */
export function snsProtocol(webhookUrl: string): 'http' | 'https' {
  return webhookUrl.trim().toLowerCase().startsWith('http://') ? 'http' : 'https';
}

/**
 * What to tell the user about a webhook URL before they subscribe it: an http URL carries the
 * secret token in cleartext, and a URL on localhost or a private address cannot be reached by
 * SNS. Empty when there is nothing to say.
 */
export function webhookUrlWarnings(webhookUrl: string): string[] {
  const out: string[] = [];
  let host = '';
  try {
    host = new URL(webhookUrl).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return out;
  }
  if (snsProtocol(webhookUrl) === 'http') {
    out.push(
      'This URL is http: its secret token crosses the network in cleartext. Put Switchboard behind TLS and set SWITCHBOARD_PUBLIC_URL to its https address for production.',
    );
  }
  if (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    /^127\./.test(host) ||
    host === '::1' ||
    /^10\./.test(host) ||
    /^192\.168\./.test(host) ||
    /^172\.(1[6-9]|2\d|3[01])\./.test(host)
  ) {
    out.push(
      `SNS must be able to reach this URL from the internet; ${host} is a local or private address. Set SWITCHBOARD_PUBLIC_URL to the address SNS can reach.`,
    );
  }
  return out;
}

/** The AWS CLI commands of the setup, for one topic and webhook URL. */
export function awsCommands(topicArn: string, webhookUrl: string) {
  const topic = topicArn.trim() || TOPIC_PLACEHOLDER;
  const parsed = parseTopicArn(topic);
  const region = parsed ? ` --region ${parsed.region}` : '';
  return {
    createTopic: `aws sns create-topic --name ${parsed?.name ?? 'switchboard-alarms'}${region}`,
    signatureVersion: `aws sns set-topic-attributes --topic-arn ${topic} --attribute-name SignatureVersion --attribute-value 2${region}`,
    subscribe: `aws sns subscribe --topic-arn ${topic} --protocol ${snsProtocol(webhookUrl)} --notification-endpoint ${webhookUrl}${region}`,
    alarm: `aws cloudwatch put-metric-alarm --alarm-name <alarm name> … --alarm-actions ${topic} --ok-actions ${topic}${region}`,
  };
}

/** What to do about a rejection, for the reasons a user can fix. */
export function rejectionFix(reasonCode: string): string | null {
  switch (reasonCode) {
    case 'unsupported_signature_version':
      return 'The topic signs with SignatureVersion 1 (SHA1), which Switchboard refuses. Set the topic attribute SignatureVersion to 2; SNS uses it for every message after that, including the next subscription confirmation.';
    case 'raw_delivery':
      return 'Raw message delivery is on for this subscription. Turn it off so SNS sends its signed envelope.';
    case 'wrong_topic':
    case 'topic_mismatch':
      return 'The message came from another topic than the pinned one. Subscribe this URL only to the pinned topic, or rotate the URL to pin a new one.';
    case 'stale':
      return 'The message was older than the replay window; SNS may have been retrying for a long time.';
    default:
      return null;
  }
}
