import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import type { Scope } from '@/gql/graphql';
import { useCurrentEnvironmentId } from './current-context';

/** The scopes the console manages definitions at (system scope is for system administrators, via the API). */
export type ManagedScope = Extract<Scope, 'ACCOUNT' | 'ENVIRONMENT'>;

export interface ScopeValue {
  scope: ManagedScope;
  id: string;
}

/**
 * The scope a page works at, kept in the URL (`?scope=environment&env=<id>`), defaulting to the
 * account. Choosing "environment" without an id uses the header's current environment.
 */
export function useScopeParam(accountId: string): [ScopeValue, (s: ScopeValue) => void] {
  const [params, setParams] = useSearchParams();
  const [currentEnv] = useCurrentEnvironmentId(accountId);
  const kind = params.get('scope') === 'environment' ? 'ENVIRONMENT' : 'ACCOUNT';
  const env = params.get('env') || currentEnv;
  const value = useMemo<ScopeValue>(
    () => (kind === 'ENVIRONMENT' && env ? { scope: 'ENVIRONMENT', id: env } : { scope: 'ACCOUNT', id: accountId }),
    [kind, env, accountId],
  );
  const set = useCallback(
    (s: ScopeValue) => {
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          if (s.scope === 'ENVIRONMENT') {
            next.set('scope', 'environment');
            next.set('env', s.id);
          } else {
            next.delete('scope');
            next.delete('env');
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
