import { ActionIcon, Group, Table, Tooltip, VisuallyHidden } from '@mantine/core';
import { IconPencil, IconTrash, type Icon } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { Link } from 'react-router';

/** One icon button of a row. */
export interface RowAction {
  /** What it does, shown as the tooltip: "Edit", "Approval settings". */
  label: string;
  /** Its accessible name, naming the row: "Edit payments-prod". */
  name: string;
  icon: Icon;
  /** A link instead of a button. */
  to?: string;
  onClick?: () => void;
  /** Destructive (red). */
  danger?: boolean;
  disabled?: boolean;
}

/**
 * The icon buttons at the end of a table row (edit, delete and the like): each with a tooltip
 * and an accessible name that names the row, right-aligned, the same size and colours in every
 * list. `onEdit`/`editTo` and `onDelete` add the usual pair after `actions`; `children` (a menu)
 * comes last.
 */
export function RowActions({
  name,
  actions = [],
  onEdit,
  editTo,
  onDelete,
  deleteLabel = 'Delete',
  children,
}: {
  /** The row's name, for "Edit <name>" and "Delete <name>". */
  name: string;
  actions?: readonly (RowAction | false | null | undefined)[];
  onEdit?: () => void;
  editTo?: string;
  onDelete?: () => void;
  /** "Remove" where the row is taken out of something rather than deleted. */
  deleteLabel?: string;
  children?: ReactNode;
}) {
  const all = actions.filter((a): a is RowAction => Boolean(a));
  if (onEdit || editTo) all.push({ label: 'Edit', name: `Edit ${name}`, icon: IconPencil, onClick: onEdit, to: editTo });
  if (onDelete) all.push({ label: deleteLabel, name: `${deleteLabel} ${name}`, icon: IconTrash, onClick: onDelete, danger: true });
  return (
    <Group gap={4} justify="flex-end" wrap="nowrap">
      {all.map(({ label, name: accessibleName, icon: ActionIconGlyph, to, onClick, danger, disabled }) => (
        <Tooltip key={accessibleName} label={label}>
          {to ? (
            <ActionIcon component={Link} to={to} variant="subtle" color={danger ? 'red' : 'gray'} aria-label={accessibleName}>
              <ActionIconGlyph size={18} />
            </ActionIcon>
          ) : (
            <ActionIcon variant="subtle" color={danger ? 'red' : 'gray'} aria-label={accessibleName} onClick={onClick} disabled={disabled}>
              <ActionIconGlyph size={18} />
            </ActionIcon>
          )}
        </Tooltip>
      ))}
      {children}
    </Group>
  );
}

/** The header cell above a column of RowActions (named for screen readers, empty on screen). */
export function RowActionsHeader({ w }: { w: number }) {
  return (
    <Table.Th w={w}>
      <VisuallyHidden>Actions</VisuallyHidden>
    </Table.Th>
  );
}
