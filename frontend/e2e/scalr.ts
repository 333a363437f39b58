import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

// The Scalr side of approvals (design §7): an approver that answers "pending", and signed
// callbacks that decide later.

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

/** `Sat 21 Nov 2026 10:00:00 UTC`: the Scalr Date format (`ddd DD MMM YYYY HH:mm:ss UTC`). */
export function scalrDate(d: Date = new Date()): string {
  return (
    `${DAYS[d.getUTCDay()]} ${two(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ` +
    `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} UTC`
  );
}

/** X-Signature: lowercase hex HMAC-SHA1, keyed with the signing key's ASCII bytes, over body + Date. */
export function scalrSignature(key: string, body: string, date: string): string {
  return createHmac('sha1', key).update(body + date).digest('hex');
}

/** Posts a signed approval callback for `requestId` to the server at `baseURL`. */
export async function postCallback(
  baseURL: string,
  requestId: string,
  key: string,
  answer: { approval_status: 'approved' | 'denied'; message: string },
  opts: { date?: string; signature?: string } = {},
): Promise<Response> {
  const body = JSON.stringify(answer);
  const date = opts.date ?? scalrDate();
  return fetch(new URL(`/integration-hub/callback/${requestId}`, baseURL), {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Date: date,
      'X-Signature': opts.signature ?? scalrSignature(key, body, date),
    },
    body,
  });
}

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A tiny approver on loopback: every request is recorded and answered 202 with
 * `{"approval_status":"pending","message":"CAB ticket opened"}` (the decision comes later).
 */
export async function startApprover(): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(202, { 'Content-Type': 'application/json', 'X-Approver': 'e2e-cab' });
      res.end(JSON.stringify({ approval_status: 'pending', message: 'CAB ticket opened' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/cab/approvals`, received };
}
