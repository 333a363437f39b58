import { createTheme } from '@mantine/core';

export const theme = createTheme({
  primaryColor: 'indigo',
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
