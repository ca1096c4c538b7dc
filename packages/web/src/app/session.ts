import { createContext, useContext } from 'react';
import type { Action, Me } from '../api/types.ts';

export interface Session {
  me: Me;
  can: (action: Action) => boolean;
  signOut: () => Promise<void>;
}

export const SessionContext = createContext<Session | null>(null);

/** The signed-in person (pages below the layout only render when signed in). */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}
