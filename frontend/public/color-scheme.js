// Applies the last colour scheme before the console loads (no flash of light for dark users).
// The console keeps it under this key (src/lib/color-scheme.ts); an external file because the
// server's Content-Security-Policy allows no inline script.
(function () {
  try {
    var v = window.localStorage.getItem('switchboard.color-scheme');
    var dark = v === 'dark' || (v !== 'light' && window.matchMedia('(prefers-color-scheme: dark)').matches);
    document.documentElement.setAttribute('data-mantine-color-scheme', dark ? 'dark' : 'light');
  } catch {
    // storage disabled: the console decides when it starts
  }
})();
