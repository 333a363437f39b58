import { localStorageColorSchemeManager, useMantineColorScheme, type MantineColorScheme } from '@mantine/core';
import { useCallback, useEffect } from 'react';
import { useAuth } from '@/lib/auth/auth-context';
import { readStorage, writeStorage } from '@/lib/storage';

/**
 * Light, dark, or `auto` (follow the OS). Each user's choice is kept in this browser's
 * localStorage under `switchboard.color-scheme.<user id>`; the last one applied is also kept
 * under `switchboard.color-scheme` so the sign-in screen opens in it.
 */
export const DEVICE_COLOR_SCHEME_KEY = 'switchboard.color-scheme';

export const colorSchemeManager = localStorageColorSchemeManager({ key: DEVICE_COLOR_SCHEME_KEY });

export const userColorSchemeKey = (userId: string) => `${DEVICE_COLOR_SCHEME_KEY}.${userId}`;

const isScheme = (v: string | null): v is MantineColorScheme => v === 'light' || v === 'dark' || v === 'auto';

/** The user's choice; `auto` when they never made one. */
export function readUserColorScheme(userId: string): MantineColorScheme {
  const v = readStorage(userColorSchemeKey(userId));
  return isScheme(v) ? v : 'auto';
}

/** The signed-in user's colour scheme and a setter that keeps it for them. */
export function useUserColorScheme(): [MantineColorScheme, (v: MantineColorScheme) => void] {
  const { user } = useAuth();
  const { colorScheme, setColorScheme } = useMantineColorScheme();
  const userId = user?.id ?? null;
  const set = useCallback(
    (v: MantineColorScheme) => {
      if (userId) writeStorage(userColorSchemeKey(userId), v);
      setColorScheme(v);
    },
    [userId, setColorScheme],
  );
  return [colorScheme, set];
}

/** Applies the signed-in user's colour scheme when they sign in (or another user does). */
export function useApplyUserColorScheme(): void {
  const { user } = useAuth();
  const { setColorScheme } = useMantineColorScheme();
  const userId = user?.id ?? null;
  useEffect(() => {
    if (userId) setColorScheme(readUserColorScheme(userId));
  }, [userId, setColorScheme]);
}
