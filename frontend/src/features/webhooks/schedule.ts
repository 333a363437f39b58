// The retry schedule of a webhook, as the server computes it (models/retry): the waits between
// attempts in seconds, the last one repeating; null is the default schedule.

/** The server's default waits (retry.Default): 30 s, 5 min, 30 min, 2 h, 5 h, 10 h, then 10 h. */
export const DEFAULT_WAITS = [30, 300, 1800, 7200, 18000, 36000];
export const DEFAULT_ATTEMPTS = 5;
export const MAX_ATTEMPTS = 20;
const MAX_WAIT = 86400;

const UNITS: Record<string, number> = { s: 1, sec: 1, m: 60, min: 60, h: 3600, d: 86400 };

/** A duration for people: "30 s", "5 min", "2 h 35 min", "1 d 2 h". */
export function formatWait(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) {
    const m = Math.floor(s / 60);
    const rest = s % 60;
    return rest ? `${m} min ${rest} s` : `${m} min`;
  }
  if (s < 86400) {
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    return m ? `${h} h ${m} min` : `${h} h`;
  }
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  return h ? `${d} d ${h} h` : `${d} d`;
}

/** Waits as the form shows them: "30s, 5m, 2h". */
export function waitsToText(waits: number[] | null | undefined): string {
  if (!waits || waits.length === 0) return '';
  return waits
    .map((w) => (w % 3600 === 0 ? `${w / 3600}h` : w % 60 === 0 ? `${w / 60}m` : `${w}s`))
    .join(', ');
}

/**
 * Reads the form's schedule text ("30s, 5m, 2h" or plain seconds). Empty is the default (null).
 * The rules are the server's: 1 to 19 waits, each 1 s to 24 h, never decreasing.
 */
export function parseWaits(text: string): { waits: number[] | null; error: string | null } {
  const parts = text
    .split(/[,\s]+/)
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length === 0) return { waits: null, error: null };
  const waits: number[] = [];
  for (const p of parts) {
    const m = /^(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|d)?$/i.exec(p);
    if (!m) return { waits: null, error: `"${p}" is not a wait: write e.g. 30s, 5m or 2h` };
    const secs = Math.round(Number(m[1]) * UNITS[(m[2] ?? 's').toLowerCase()]);
    if (secs < 1 || secs > MAX_WAIT) return { waits: null, error: `${p}: each wait is between 1 second and 24 hours` };
    if (waits.length && secs < waits[waits.length - 1])
      return { waits: null, error: `${p} is shorter than the wait before it: waits must not decrease` };
    waits.push(secs);
  }
  if (waits.length > MAX_ATTEMPTS - 1)
    return { waits: null, error: `at most ${MAX_ATTEMPTS - 1} waits (the last one repeats)` };
  return { waits, error: null };
}

/** The nominal wait after attempt `made` (1: before attempt 2). */
export function waitAfter(waits: number[] | null, made: number): number {
  const w = waits && waits.length ? waits : DEFAULT_WAITS;
  return w[Math.min(made, w.length) - 1];
}

/**
 * The planned schedule in words: "Attempt 1 now, 2 after 30 s, 3 after 5 min … last attempt
 * ≈2 h 35 min after the event". Waits are between consecutive attempts, each ±15%.
 */
export function describePlan(waits: number[] | null, maxAttempts: number): string {
  const n = Math.max(1, Math.min(MAX_ATTEMPTS, Math.floor(maxAttempts) || 1));
  if (n === 1) return 'One attempt, right away: no retries.';
  const steps = ['Attempt 1 now'];
  let total = 0;
  for (let i = 1; i < n; i++) {
    const w = waitAfter(waits, i);
    total += w;
    steps.push(`${i + 1} after ${formatWait(w)}`);
  }
  const shown = steps.length > 6 ? [...steps.slice(0, 4), '…', steps[steps.length - 1]] : steps;
  return `${shown.join(', ').replace(', …,', ' …')}; last attempt ≈${formatWait(total)} after the event.`;
}
