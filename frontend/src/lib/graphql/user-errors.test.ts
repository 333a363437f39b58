import { describe, expect, it } from 'vitest';
import { splitUserErrors } from './user-errors';

describe('splitUserErrors', () => {
  it('puts errors next to the fields the form shows, and the rest in general', () => {
    const out = splitUserErrors(
      [
        { code: 'CONFLICT', field: 'name', message: 'An environment with this name exists' },
        { code: 'INVALID', field: 'input.description', message: 'Too long' },
        { code: 'FORBIDDEN', field: null, message: 'You may not do this' },
        { code: 'INVALID', field: 'accountId', message: 'Unknown account' },
      ],
      ['name', 'description'],
    );
    expect(out.fields).toEqual({
      name: 'An environment with this name exists',
      description: 'Too long',
    });
    expect(out.general).toEqual(['You may not do this', 'Unknown account']);
  });

  it('maps server field names to form field names', () => {
    const out = splitUserErrors([{ field: 'expiresAt', message: 'must be in the future' }], ['expiryDate'], {
      expiresAt: 'expiryDate',
    });
    expect(out.fields).toEqual({ expiryDate: 'must be in the future' });
  });
});
