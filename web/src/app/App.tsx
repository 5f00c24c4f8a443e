import { useEffect, useMemo, useState, type ReactNode } from "react";
import { Route, Switch } from "wouter";
import { BoardPage } from "../features/board/BoardPage.js";
import { ItemPage } from "../features/item/ItemPage.js";
import { ProjectsPage } from "../features/projects/ProjectsPage.js";
import { SignInPage } from "../features/signin/SignInPage.js";
import { BoardCache } from "../store/board-cache.js";
import { ProjectsStore } from "../store/projects-store.js";
import {
  devTokenProvider,
  identityOfToken,
  loadServerConfig,
  openSession,
  rememberDevIdentity,
  rememberedDevIdentity,
  storageNameOf,
  type Identity,
  type ServerConfig,
  type Session,
  type TokenProvider,
} from "../store/session.js";
import { AppContext, type AppServices } from "./app-context.js";
import { useTheme } from "./theme.js";

/** How the app is hosted. */
export interface AppOptions {
  /** The gateway's origin (the page's own origin for the standalone app). */
  server: string;
  /** A token provider from the host page; without one, the dev sign-in (AUTH_DEV) or a sign-in notice. */
  tokenProvider?: TokenProvider | undefined;
  /** Inside <agileboard-board>: only this project's board, no app chrome. */
  embeddedProject?: string | undefined;
  /** A theme forced by the host ("light" or "dark"); default: the user's choice or the system's. */
  theme?: "light" | "dark" | undefined;
}

/** The app: finds out how to sign in, keeps the session, and routes the signed-in screens. */
export function App({ server, tokenProvider, embeddedProject, theme: forcedTheme }: AppOptions) {
  const theme = useTheme();
  const themeValue = forcedTheme ?? theme.theme;
  const [config, setConfig] = useState<ServerConfig | undefined>();
  const [session, setSession] = useState<Session | undefined>();
  const [problem, setProblem] = useState<string | undefined>();

  useEffect(() => {
    let cancelled = false;
    (async () => {
      // A host that supplies tokens needs nothing else from the server (and may be on another origin).
      const loaded = tokenProvider ? { devAuth: false } : await loadServerConfig(server);
      if (cancelled) return;
      setConfig(loaded);
      if (tokenProvider) {
        const identity = identityOfToken(await tokenProvider());
        if (!cancelled) setSession(openSession(identity, tokenProvider, server));
        return;
      }
      const remembered = loaded.devAuth ? rememberedDevIdentity() : undefined;
      if (remembered && !cancelled) setSession(openSession(remembered, devTokenProvider(remembered, server), server));
    })().catch((err: unknown) => !cancelled && setProblem(err instanceof Error ? err.message : String(err)));
    return () => {
      cancelled = true;
    };
  }, [server, tokenProvider]);

  useEffect(() => () => void session?.close(), [session]);

  const signIn = async (identity: Identity) => {
    const provider = devTokenProvider(identity, server);
    await provider();
    rememberDevIdentity(identity);
    setSession(openSession(identity, provider, server));
  };

  // Stores live as long as the session (a theme change must not rebuild them).
  const stores = useMemo(() => {
    if (!session) return undefined;
    const storage = storageNameOf(session.identity);
    return { projects: new ProjectsStore(session.client, storage), cache: new BoardCache(`agileboard-boards:${storage}`) };
  }, [session]);
  useEffect(() => () => stores?.cache.close(), [stores]);

  const services = useMemo<AppServices | undefined>(() => {
    if (!session || !config || !stores) return undefined;
    return {
      server,
      config,
      session,
      ...stores,
      theme: { value: themeValue, setChoice: theme.setChoice },
      embedded: Boolean(embeddedProject),
      ...(tokenProvider
        ? {}
        : {
            signOut: () => {
              rememberDevIdentity(undefined);
              setSession(undefined);
            },
          }),
    };
  }, [session, config, stores, server, themeValue, theme.setChoice, embeddedProject, tokenProvider]);

  let content: ReactNode;
  if (!config) content = <div className="signin" aria-busy="true" />;
  else if (!services) content = tokenProvider && !problem ? <div className="signin" aria-busy="true" /> : <SignInPage devAuth={config.devAuth} onSignIn={signIn} problem={problem} />;
  else
    content = (
      <AppContext.Provider value={services}>
        {embeddedProject ? (
          <BoardPage projectKey={embeddedProject} />
        ) : (
          <Switch>
            <Route path="/">
              <ProjectsPage />
            </Route>
            <Route path="/p/:key/items/:item">{(p: { key: string; item: string }) => <ItemPage projectKey={p.key} itemRef={p.item} />}</Route>
            <Route path="/p/:key">{(p: { key: string }) => <BoardPage projectKey={p.key} />}</Route>
            <Route>
              <main className="page">
                <div className="panel empty">
                  <h2>Nothing here</h2>
                  <p>
                    <a href="/">Go to your projects</a>
                  </p>
                </div>
              </main>
            </Route>
          </Switch>
        )}
      </AppContext.Provider>
    );

  return (
    <div className="ab-root" data-theme={themeValue}>
      {content}
    </div>
  );
}
