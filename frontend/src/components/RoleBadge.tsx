import { Badge } from '@mantine/core';
import type { Role } from '@/gql/graphql';
import { ROLE_LABELS } from '@/lib/roles';

const colors: Record<Role, string> = {
  OWNER: 'grape',
  ADMIN: 'blue',
  MEMBER: 'teal',
  VIEWER: 'gray',
};

export function RoleBadge({ role }: { role: Role }) {
  return (
    <Badge color={colors[role]} variant="light" radius="sm">
      {ROLE_LABELS[role]}
    </Badge>
  );
}
