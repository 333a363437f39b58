import { MantineProvider } from '@mantine/core';
import { ModalsProvider } from '@mantine/modals';
import { Notifications } from '@mantine/notifications';
import type { ReactNode } from 'react';
import { AuthProvider } from '@/lib/auth/auth-context';
import { GraphQLProvider } from '@/lib/graphql/provider';
import { cssVariablesResolver, theme } from '@/config/theme';
import { colorSchemeManager } from '@/lib/color-scheme';

export function AppProvider({ children }: { children: ReactNode }) {
  return (
    <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver} defaultColorScheme="auto" colorSchemeManager={colorSchemeManager}>
      {/* Bottom right: toasts never cover the header (user menu, account switcher). */}
      <Notifications position="bottom-right" limit={4} />
      <AuthProvider>
        <GraphQLProvider>
          <ModalsProvider labels={{ confirm: 'Confirm', cancel: 'Cancel' }}>{children}</ModalsProvider>
        </GraphQLProvider>
      </AuthProvider>
    </MantineProvider>
  );
}
