import { env } from '@/config/env';
import type { Role } from '@/gql/graphql';
import { ApiError, parseSession, toApiError, type RawSession, type Session } from './session-api';

/** What `GET /auth/invitations/:token` tells about an invitation link (public). */
export interface InvitationView {
  email: string;
  accountName: string;
  role: Role;
  invitedBy: string;
  expiresAt: string;
  /** A Switchboard user with this email exists: they join and sign in with their own password. */
  existingUser: boolean;
}

/** A new person set their password and is signed in, or an existing user joined and must sign in. */
export type AcceptOutcome = { kind: 'session'; session: Session } | { kind: 'joined' };

async function call(fetchImpl: typeof fetch, token: string, init: RequestInit): Promise<Response> {
  try {
    return await fetchImpl(`${env.authPath}/invitations/${encodeURIComponent(token)}`, {
      credentials: 'same-origin',
      ...init,
      headers: { Accept: 'application/json', ...(init.body ? { 'Content-Type': 'application/json' } : {}) },
    });
  } catch {
    throw new ApiError('network', 'Cannot reach the Switchboard server.', 0);
  }
}

export async function peekInvitation(token: string, fetchImpl: typeof fetch = (...a) => fetch(...a)): Promise<InvitationView> {
  const res = await call(fetchImpl, token, { method: 'GET' });
  if (!res.ok) throw await toApiError(res);
  return (await res.json()) as InvitationView;
}

/** Existing users send an empty name and password. */
export async function acceptInvitation(
  token: string,
  input: { name: string; password: string },
  fetchImpl: typeof fetch = (...a) => fetch(...a),
): Promise<AcceptOutcome> {
  const res = await call(fetchImpl, token, { method: 'POST', body: JSON.stringify(input) });
  if (!res.ok) throw await toApiError(res);
  const body = (await res.json()) as Partial<RawSession> & { joined?: boolean };
  if (body.joined) return { kind: 'joined' };
  return { kind: 'session', session: parseSession(body as RawSession) };
}
