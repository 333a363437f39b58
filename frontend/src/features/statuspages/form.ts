import type { ComponentStatus, StatusPageFieldsFragment, StatusPageVisibility } from '@/gql/graphql';

export interface PageItem {
  componentId: string;
  displayName: string;
}

export interface PageGroup {
  /** Stable across renames (React keys). */
  key: string;
  /** Empty: ungrouped. */
  name: string;
  items: PageItem[];
}

export interface PageValues extends Record<string, unknown> {
  name: string;
  slug: string;
  headline: string;
  visibility: StatusPageVisibility;
  customHost: string;
  logoUrl: string;
  brandColor: string;
  supportUrl: string;
  groups: PageGroup[];
}

/** The fields an API error may name (the page's components land on `groups`). */
export const PAGE_FIELDS = ['name', 'slug', 'headline', 'visibility', 'customHost', 'logoUrl', 'brandColor', 'supportUrl', 'groups'];
export const PAGE_ALIASES = { components: 'groups', componentId: 'groups', displayName: 'groups' };

let seq = 0;
export const groupKey = () => `g${++seq}`;

export const emptyPage = (): PageValues => ({
  name: '',
  slug: '',
  headline: '',
  visibility: 'PUBLIC',
  customHost: '',
  logoUrl: '',
  brandColor: '',
  supportUrl: '',
  groups: [{ key: groupKey(), name: '', items: [] }],
});

/** A page's components in position order, gathered into groups in the order of their first component. */
export function groupsOf(components: StatusPageFieldsFragment['components']): PageGroup[] {
  const sorted = [...components].sort((a, b) => a.position - b.position);
  const byName = new Map<string, PageGroup>();
  for (const c of sorted) {
    let g = byName.get(c.group);
    if (!g) {
      g = { key: groupKey(), name: c.group, items: [] };
      byName.set(c.group, g);
    }
    g.items.push({ componentId: c.component.id, displayName: c.displayName === c.component.name ? '' : c.displayName });
  }
  return [...byName.values()];
}

export function valuesOf(page: StatusPageFieldsFragment): PageValues {
  const groups = groupsOf(page.components);
  return {
    name: page.name,
    slug: page.slug,
    headline: page.headline,
    visibility: page.visibility,
    customHost: page.customHost ?? '',
    logoUrl: page.logoUrl,
    brandColor: page.brandColor,
    supportUrl: page.supportUrl,
    groups: groups.length ? groups : [{ key: groupKey(), name: '', items: [] }],
  };
}

/** The ordered component list the API takes: every group's components, groups in order. */
export function componentsInput(groups: readonly PageGroup[]) {
  return groups.flatMap((g) =>
    g.items.map((i) => ({
      componentId: i.componentId,
      group: g.name.trim(),
      ...(i.displayName.trim() ? { displayName: i.displayName.trim() } : {}),
    })),
  );
}

/** A slug suggested by a name: lower case, digits and single dashes. */
export function slugify(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
}

/** Moves item `i` of `list` by `delta` (−1 up, +1 down); the same list when it cannot move. */
export function move<T>(list: readonly T[], i: number, delta: number): T[] {
  const j = i + delta;
  if (j < 0 || j >= list.length) return [...list];
  const out = [...list];
  [out[i], out[j]] = [out[j], out[i]];
  return out;
}

export type StatusOf = (componentId: string) => ComponentStatus;
