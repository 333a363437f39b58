import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import type { Scope } from '@/gql/graphql';
import { useAuth } from './auth/auth-context';
import { useCurrentEnvironmentId } from './current-context';

/** The scopes the console manages definitions at (system scope: system administrators only). */
export type ManagedScope = Extract<Scope, 'SYSTEM' | 'ACCOUNT' | 'ENVIRONMENT'>;

/** A scope as the API takes it (`ScopeInput`): the system scope has no id. */
export type ScopeValue = { scope: 'SYSTEM'; id: null } | { scope: 'ACCOUNT' | 'ENVIRONMENT'; id: string };

export const SYSTEM_SCOPE: ScopeValue = { scope: 'SYSTEM', id: null };

/** Whether the signed-in user administers the whole installation. */
export function useIsSystemAdmin(): boolean {
  return Boolean(useAuth().user?.isSystemAdmin);
}

/** A definition's own scope (`scope`, `scopeId`) as a ScopeValue, or null for other scopes. */
export function scopeOf(d: { scope: Scope; scopeId: string }): ScopeValue | null {
  if (d.scope === 'SYSTEM') return SYSTEM_SCOPE;
  if (d.scope === 'ACCOUNT' || d.scope === 'ENVIRONMENT') return { scope: d.scope, id: d.scopeId };
  return null;
}

/** The query string that selects `s` on a scoped page ('' for the account, the default). */
export function scopeSearch(s: ScopeValue): string {
  if (s.scope === 'ENVIRONMENT') return `?scope=environment&env=${s.id}`;
  if (s.scope === 'SYSTEM') return '?scope=system';
  return '';
}

/**
 * The scope a page works at, kept in the URL (`?scope=environment&env=<id>`, `?scope=system`),
 * defaulting to the account. Choosing "environment" without an id uses the header's current
 * environment; "system" is honoured for system administrators only.
 */
export function useScopeParam(accountId: string): [ScopeValue, (s: ScopeValue) => void] {
  const [params, setParams] = useSearchParams();
  const [currentEnv] = useCurrentEnvironmentId(accountId);
  const systemAdmin = useIsSystemAdmin();
  const raw = params.get('scope');
  const kind = raw === 'environment' ? 'ENVIRONMENT' : raw === 'system' && systemAdmin ? 'SYSTEM' : 'ACCOUNT';
  const env = params.get('env') || currentEnv;
  const value = useMemo<ScopeValue>(() => {
    if (kind === 'SYSTEM') return SYSTEM_SCOPE;
    if (kind === 'ENVIRONMENT' && env) return { scope: 'ENVIRONMENT', id: env };
    return { scope: 'ACCOUNT', id: accountId };
  }, [kind, env, accountId]);
  const set = useCallback(
    (s: ScopeValue) => {
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          next.delete('scope');
          next.delete('env');
          if (s.scope === 'ENVIRONMENT') {
            next.set('scope', 'environment');
            next.set('env', s.id);
          } else if (s.scope === 'SYSTEM') {
            next.set('scope', 'system');
          }
          return next;
        },
        { replace: true },
      );
    },
    [setParams],
  );
  return [value, set];
}

export function scopeLabel(s: { scope: Scope }, environmentName?: string): string {
  switch (s.scope) {
    case 'SYSTEM':
      return 'System';
    case 'ACCOUNT':
      return 'Account';
    case 'ENVIRONMENT':
      return environmentName ? `Environment ${environmentName}` : 'Environment';
    default:
      return s.scope.toLowerCase().replace('_', ' ');
  }
}
