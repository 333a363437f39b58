/** A Slack channel id as Slack shows it (channel details → About): C…, G… for old private ones. */
export const SLACK_CHANNEL_ID = /^[CG][A-Z0-9]{2,}$/;

/** Client-side check of a channel id field (empty clears it); the server has the last word. */
export function validateSlackChannel(v: string): string | null {
  const c = v.trim();
  if (!c) return null;
  if (!SLACK_CHANNEL_ID.test(c)) return 'Enter the channel id (C…, in Slack: channel details → About), not its name';
  return null;
}

/** The rule both channel fields state. */
export const SLACK_CHANNEL_RULE =
  "The component's channel wins: an incident is posted to its component's channel, else to its escalation policy's — one message per incident, never two.";
