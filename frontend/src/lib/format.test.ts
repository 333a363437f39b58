import { describe, expect, it } from 'vitest';
import { formatDateTime, formatDateTimeSeconds } from './format';

describe('formatDateTimeSeconds', () => {
  it('shows the seconds that formatDateTime leaves out', () => {
    // Two attempts 7 s apart must not look like the same moment.
    expect(formatDateTimeSeconds('2026-01-01T10:00:07Z')).toMatch(/:07\b/);
    expect(formatDateTimeSeconds('2026-01-01T10:00:07Z')).not.toBe(formatDateTimeSeconds('2026-01-01T10:00:00Z'));
    expect(formatDateTime('2026-01-01T10:00:07Z')).toBe(formatDateTime('2026-01-01T10:00:00Z'));
  });
});
