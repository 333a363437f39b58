import { describe, expect, it, vi } from 'vitest';
import { ApiError, createSessionApi } from './session-api';

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

describe('session API', () => {
  it('parses a session and sends JSON to /auth/login', async () => {
    const fetchMock = vi.fn(async () =>
      json(200, {
        accessToken: 'jwt',
        expiresAt: '2030-01-01T00:00:00Z',
        user: { id: 'u', email: 'e@x.test', name: 'E', isSystemAdmin: true },
      }),
    );
    const s = await createSessionApi(fetchMock).login({ email: 'e@x.test', password: 'pw' });
    expect(s.accessToken).toBe('jwt');
    expect(s.expiresAt.toISOString()).toBe('2030-01-01T00:00:00.000Z');
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/auth/login');
    expect(init.method).toBe('POST');
    expect(JSON.parse(init.body as string)).toEqual({ email: 'e@x.test', password: 'pw' });
  });

  it('turns the error envelope into an ApiError with its field', async () => {
    const fetchMock = vi.fn(async () =>
      json(400, { error: { code: 'invalid', message: 'password too short', field: 'password' } }),
    );
    const err = await createSessionApi(fetchMock)
      .setup({ email: 'a@b.test', name: 'A', password: 'x', accountName: 'Acme' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'invalid', field: 'password', status: 400, message: 'password too short' });
  });

  it('answers null to a refused refresh, and throws on a network failure', async () => {
    await expect(createSessionApi(async () => json(401, { error: { code: 'unauthorized', message: 'no' } })).refresh()).resolves.toBeNull();
    const err = await createSessionApi(async () => {
      throw new TypeError('Failed to fetch');
    })
      .refresh()
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'network' });
  });
});
