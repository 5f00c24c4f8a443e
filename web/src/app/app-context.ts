import { createContext, useContext } from "react";
import type { BoardCache } from "../store/board-cache.js";
import type { ProjectsStore } from "../store/projects-store.js";
import type { Identity, ServerConfig, Session } from "../store/session.js";
import type { ThemeChoice } from "./theme.js";

/** What every screen can reach: the server, the session and its stores. Components never reach the wire. */
export interface AppServices {
  /** The gateway's origin. */
  server: string;
  config: ServerConfig;
  session: Session;
  projects: ProjectsStore;
  cache: BoardCache;
  /** Ends the session (dev sign-in only; a host that supplies tokens signs out itself). */
  signOut?: () => void;
  /** The theme in effect, and how to change it. */
  theme: { value: "light" | "dark"; setChoice: (choice: ThemeChoice) => void };
  /** True inside <agileboard-board>: no app chrome around the board. */
  embedded: boolean;
}

export const AppContext = createContext<AppServices | undefined>(undefined);

/** The app's services; only inside a signed-in tree. */
export function useApp(): AppServices {
  const app = useContext(AppContext);
  if (!app) throw new Error("useApp outside a signed-in app");
  return app;
}

/** What the sign-in form hands back. */
export type SignIn = (identity: Identity) => Promise<void>;
