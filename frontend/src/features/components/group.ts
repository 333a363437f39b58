/** Components by group: named groups alphabetically, the ungrouped ones last. */
export function groupComponents<T extends { group: string; name: string }>(items: readonly T[]) {
  const groups = new Map<string, T[]>();
  for (const c of items) {
    const key = c.group.trim();
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(c);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a === '' ? 1 : b === '' ? -1 : a.localeCompare(b)))
    .map(([group, list]) => ({ group, components: [...list].sort((x, y) => x.name.localeCompare(y.name)) }));
}
