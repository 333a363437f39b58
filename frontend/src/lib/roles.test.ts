import { describe, expect, it } from 'vitest';
import { assignableRoles, roleAtLeast } from './roles';

describe('roles', () => {
  it('orders roles strongest first', () => {
    expect(roleAtLeast('OWNER', 'ADMIN')).toBe(true);
    expect(roleAtLeast('ADMIN', 'ADMIN')).toBe(true);
    expect(roleAtLeast('MEMBER', 'ADMIN')).toBe(false);
    expect(roleAtLeast('VIEWER', 'MEMBER')).toBe(false);
    expect(roleAtLeast(null, 'VIEWER')).toBe(false);
  });

  it('never offers more than the caller has', () => {
    expect(assignableRoles('ADMIN')).toEqual(['ADMIN', 'MEMBER', 'VIEWER']);
    expect(assignableRoles('OWNER')).toEqual(['OWNER', 'ADMIN', 'MEMBER', 'VIEWER']);
  });
});
