import { describe, expect, it } from 'vitest';
import { describePlan, formatWait, parseWaits, waitsToText } from './schedule';

describe('retry schedule', () => {
  it('describes the default plan of a new webhook', () => {
    expect(describePlan(null, 5)).toBe(
      'Attempt 1 now, 2 after 30 s, 3 after 5 min, 4 after 30 min, 5 after 2 h; last attempt ≈2 h 35 min after the event.',
    );
  });

  it('shortens long plans and repeats the last wait', () => {
    const text = describePlan([10, 60], 8);
    expect(text).toBe('Attempt 1 now, 2 after 10 s, 3 after 1 min, 4 after 1 min … 8 after 1 min; last attempt ≈6 min 10 s after the event.');
    expect(describePlan(null, 1)).toMatch(/no retries/);
    expect(describePlan(null, 20)).toMatch(/last attempt ≈6 d 3 h after the event/);
  });

  it('reads waits with units and refuses what the server refuses', () => {
    expect(parseWaits('')).toEqual({ waits: null, error: null });
    expect(parseWaits('30s, 5m 2h, 7200')).toEqual({ waits: [30, 300, 7200, 7200], error: null });
    expect(parseWaits('1h, 30m').error).toMatch(/must not decrease/);
    expect(parseWaits('0s').error).toMatch(/between 1 second and 24 hours/);
    expect(parseWaits('25h').error).toMatch(/between 1 second and 24 hours/);
    expect(parseWaits('soon').error).toMatch(/not a wait/);
    expect(parseWaits(Array(20).fill('1m').join(',')).error).toMatch(/at most 19/);
  });

  it('round-trips the stored waits', () => {
    expect(waitsToText([30, 300, 7200, 45])).toBe('30s, 5m, 2h, 45s');
    expect(parseWaits(waitsToText([30, 300, 7200])).waits).toEqual([30, 300, 7200]);
    expect(waitsToText(null)).toBe('');
    expect(formatWait(9330)).toBe('2 h 35 min');
  });
});
