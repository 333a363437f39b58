import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useState,
  useSyncExternalStore,
  type ReactNode,
} from 'react';
import { Provider, type Client } from 'urql';
import { useAuth } from '@/lib/auth/auth-context';
import { createGraphQLConnection, type GraphQLConnection, type LiveStatus } from './client';

const ConnectionContext = createContext<GraphQLConnection | null>(null);

interface Owned {
  userId: string | null;
  connection: GraphQLConnection;
}

/**
 * Provides the urql client. A new client (and socket) is made for every signed-in user, so
 * nothing cached for one user is ever shown to the next. Tests pass their own `client`.
 */
export function GraphQLProvider({ children, client }: { children: ReactNode; client?: Client }) {
  const { tokens, user } = useAuth();
  const userId = user?.id ?? null;
  const [owned, setOwned] = useState<Owned | null>(null);

  useEffect(() => {
    if (client) return undefined;
    const connection = createGraphQLConnection(tokens);
    setOwned({ userId, connection });
    return () => connection.dispose();
  }, [client, tokens, userId]);

  if (client) {
    return <Provider value={client}>{children}</Provider>;
  }
  // Until the effect has built this user's connection, render nothing rather than the old one.
  if (!owned || owned.userId !== userId) return null;
  return (
    <ConnectionContext.Provider value={owned.connection}>
      <Provider value={owned.connection.client}>{children}</Provider>
    </ConnectionContext.Provider>
  );
}

const noSubscribe = () => () => {};

/** The subscription socket's state; 'closed' when no socket is in use. */
export function useLiveStatus(): LiveStatus {
  const conn = useContext(ConnectionContext);
  const subscribe = useCallback(
    (cb: () => void) => (conn ? conn.onLiveStatus(cb) : noSubscribe()),
    [conn],
  );
  return useSyncExternalStore(subscribe, () => (conn ? conn.liveStatus() : 'closed'));
}
