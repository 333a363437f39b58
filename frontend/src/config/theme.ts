import { createTheme, darken, type CSSVariablesResolver } from '@mantine/core';

export const theme = createTheme({
  primaryColor: 'indigo',
  // Filled buttons and links in indigo 7 (white text on indigo 6 is 4.3:1, below WCAG AA).
  primaryShade: { light: 7, dark: 8 },
  // Filled badges and buttons pick black or white text, whichever contrasts more: 0.179 is the
  // luminance where both are equal, so the better one is always at least 4.58:1.
  autoContrast: true,
  luminanceThreshold: 0.179,
  defaultRadius: 'md',
  fontFamily:
    'Inter, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  headings: { fontWeight: '650' },
  components: {
    Button: { defaultProps: { radius: 'md' } },
    Tooltip: { defaultProps: { withArrow: true } },
    // A badge in a row that runs out of room keeps its words (Mantine would shrink it and cut
    // the label with an ellipsis); the row wraps or scrolls instead.
    Badge: { styles: { root: { flexShrink: 0, overflow: 'visible' }, label: { overflow: 'visible' } } },
    // Mantine leaves the show-password button out of the Tab order (tabIndex -1, aria-hidden):
    // keyboard users must reach it too. Space toggles it; aria-pressed says whether it shows.
    PasswordInput: { defaultProps: { visibilityToggleButtonProps: { tabIndex: 0, 'aria-label': 'Show password' } } },
  },
});

/**
 * Contrast (WCAG 2.1 AA, 4.5:1 for text) where Mantine's defaults fall short: dimmed text
 * (gray 6 on white is 3.3:1; dark 2 on dark 7 is 4.0:1), and the text of light and outline
 * badges, alerts and nav links, which Mantine draws in shade 6 on a 10 % tint of it (as low as
 * 1.8:1 for yellow) — in the light scheme they use shade 9 darkened by a quarter (at least
 * 4.7:1 on the tint, checked for every colour).
 */
export const cssVariablesResolver: CSSVariablesResolver = (t) => {
  const light: Record<string, string> = { '--mantine-color-dimmed': 'var(--mantine-color-gray-7)' };
  for (const [name, shades] of Object.entries(t.colors)) {
    if (!Array.isArray(shades)) continue; // virtual colours have no shades of their own
    const text = darken(shades[9], 0.25);
    light[`--mantine-color-${name}-light-color`] = text;
    light[`--mantine-color-${name}-outline`] = text;
  }
  return { variables: {}, light, dark: { '--mantine-color-dimmed': 'var(--mantine-color-dark-1)' } };
};
