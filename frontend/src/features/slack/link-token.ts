/** What a /slack/link token says, read for display only (the server verifies its signature). */
export interface SlackLinkClaims {
  accountId: string;
  teamId: string;
  slackUserId: string;
  expiresAt: Date | null;
}

function decodeBase64Url(s: string): string {
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/');
  const padded = b64 + '='.repeat((4 - (b64.length % 4)) % 4);
  const bin = atob(padded);
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/**
 * Reads a signed link's claims (`base64url(JSON).signature`, subject `account:team:slackUser`).
 * Null when the token is not one: the page then says so and still lets the server decide.
 */
export function readSlackLinkToken(token: string): SlackLinkClaims | null {
  const payload = token.split('.')[0];
  if (!payload) return null;
  try {
    const c = JSON.parse(decodeBase64Url(payload)) as { p?: string; s?: string; e?: number };
    if (c.p !== 'slack.link' || typeof c.s !== 'string') return null;
    const parts = c.s.split(':');
    if (parts.length !== 3) return null;
    return {
      accountId: parts[0],
      teamId: parts[1],
      slackUserId: parts[2],
      expiresAt: typeof c.e === 'number' ? new Date(c.e * 1000) : null,
    };
  } catch {
    return null;
  }
}
