import type { Role } from '@/gql/graphql';

/** Strongest first, as in the schema. */
export const ROLES: readonly Role[] = ['OWNER', 'ADMIN', 'MEMBER', 'VIEWER'];

export const ROLE_LABELS: Record<Role, string> = {
  OWNER: 'Owner',
  ADMIN: 'Admin',
  MEMBER: 'Member',
  VIEWER: 'Viewer',
};

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  OWNER: 'Full control, including owners and the account itself',
  ADMIN: 'Manages environments, members and API tokens',
  MEMBER: 'Works with the account’s integrations',
  VIEWER: 'Read-only access',
};

const rank = (r: Role) => ROLES.length - ROLES.indexOf(r);

/** True when `role` can do everything `required` can. */
export function roleAtLeast(role: Role | null | undefined, required: Role): boolean {
  return role != null && rank(role) >= rank(required);
}

/** The roles a caller may hand out: never more than their own. */
export function assignableRoles(callerRole: Role | null | undefined): Role[] {
  return ROLES.filter((r) => roleAtLeast(callerRole, r));
}

export function roleOptions(roles: readonly Role[]) {
  return roles.map((r) => ({ value: r, label: ROLE_LABELS[r] }));
}
