import { vi } from 'vitest';

/** A `window.matchMedia` stub answering `matches(query)` (jsdom has no media queries). */
export function matchMediaStub(matches: (query: string) => boolean = () => false) {
  return vi.fn().mockImplementation((query: string) => ({
    matches: matches(query),
    media: query,
    onchange: null,
    addListener: vi.fn(),
    removeListener: vi.fn(),
    addEventListener: vi.fn(),
    removeEventListener: vi.fn(),
    dispatchEvent: vi.fn(),
  }));
}
