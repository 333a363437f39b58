// How the console names and colours a person (schedules, on-call cards, pickers).

const PALETTE = ['blue', 'grape', 'teal', 'orange', 'indigo', 'lime', 'pink', 'cyan', 'violet', 'yellow', 'green', 'red'];

/** A stable Mantine colour name per person (the name is always shown too: never colour alone). */
export function colorFor(userId: string): string {
  let h = 0;
  for (let i = 0; i < userId.length; i++) h = (h * 31 + userId.charCodeAt(i)) >>> 0;
  return PALETTE[h % PALETTE.length];
}

export function personName(u: { name: string; email: string } | null | undefined): string {
  if (!u) return 'Nobody';
  return u.name || u.email;
}
