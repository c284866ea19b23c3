import { createContext, useContext } from 'react';
import type { Official, Session } from '../auth.ts';
import type { ConsoleConfig } from '../config.ts';

/** What every screen needs: the deployment and the signed-in official's session. */
export type ConsoleContextValue = { config: ConsoleConfig; session: Session };

export const ConsoleContext = createContext<ConsoleContextValue | null>(null);

export function useConsole(): ConsoleContextValue {
  const value = useContext(ConsoleContext);
  if (!value) throw new Error('useConsole outside ConsoleContext');
  return value;
}

/** The signed-in official; screens behind the login only. */
export function useOfficial(): Official {
  const official = useConsole().session.official;
  if (!official) throw new Error('useOfficial without a session');
  return official;
}

/** Whether the official holds any of the roles. */
export const hasRole = (official: Official | null, ...roles: string[]): boolean =>
  !!official && roles.some((role) => official.roles.includes(role));
