import { useCallback, useSyncExternalStore } from 'react';
import { readStorage, writeStorage } from './storage';

// The account and environment the console is working in, remembered across visits.

const ACCOUNT_KEY = 'switchboard.currentAccount';
const envKey = (accountId: string) => `switchboard.currentEnvironment.${accountId}`;

const listeners = new Set<() => void>();
const emit = () => listeners.forEach((l) => l());

function subscribe(cb: () => void) {
  listeners.add(cb);
  const onStorage = (e: StorageEvent) => {
    if (e.key?.startsWith('switchboard.')) cb();
  };
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(cb);
    window.removeEventListener('storage', onStorage);
  };
}

export function getLastAccountId(): string | null {
  return readStorage(ACCOUNT_KEY);
}

export function setLastAccountId(id: string | null): void {
  writeStorage(ACCOUNT_KEY, id);
  emit();
}

export function getCurrentEnvironmentId(accountId: string): string | null {
  return readStorage(envKey(accountId));
}

export function setCurrentEnvironmentId(accountId: string, environmentId: string | null): void {
  writeStorage(envKey(accountId), environmentId);
  emit();
}

/** The environment chosen in the header for this account (null: none chosen yet). */
export function useCurrentEnvironmentId(accountId: string): [string | null, (id: string | null) => void] {
  const value = useSyncExternalStore(subscribe, () => getCurrentEnvironmentId(accountId));
  const set = useCallback((id: string | null) => setCurrentEnvironmentId(accountId, id), [accountId]);
  return [value, set];
}
