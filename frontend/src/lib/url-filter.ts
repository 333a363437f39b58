import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';

/**
 * A list's filter kept in the URL, so a filtered view can be linked and survives a reload.
 * `write` puts the filter into a copy of the current parameters (keeping others, like an open
 * drawer's); changes replace the history entry rather than adding one per keystroke.
 */
export function useUrlFilter<S>(parse: (p: URLSearchParams) => S, write: (base: URLSearchParams, s: S) => URLSearchParams) {
  const [params, setParams] = useSearchParams();
  const key = params.toString();
  // Parsed once per distinct URL, so the state (and the query variables built from it) is stable.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const state = useMemo(() => parse(params), [key]);
  const setState = useCallback(
    (next: S) => setParams((prev) => write(new URLSearchParams(prev), next), { replace: true }),
    [setParams, write],
  );
  return [state, setState, key] as const;
}
