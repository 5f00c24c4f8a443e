import { uniqueProjectKey, type TestSystem, type TokenClaims } from "@agileboard/testkit";
import WebSocket from "ws";
import { connect, type AgileboardClient, type ConnectOptions, type NetworkEvents } from "../src/index.js";

/** Options of `ClientPool.open`: the token claims, plus any connect option. */
export type SdkClientOptions = Partial<ConnectOptions> & { claims?: TokenClaims; url?: string };

/** Clients a test file opened, closed by `closeAll` in afterAll/afterEach. */
export class ClientPool {
  private readonly clients: AgileboardClient[] = [];
  /** How often each client's getToken was called, by client. */
  private readonly tokenCounters = new Map<AgileboardClient, { calls: number }>();

  constructor(private readonly system: () => TestSystem) {}

  /** An SDK client on the system (or `options.url`), with tokens from the system's test IdP, `ws` as WebSocket. */
  open(options: SdkClientOptions = {}): AgileboardClient {
    const { claims, ...rest } = options;
    const counter = { calls: 0 };
    const client = connect({
      url: this.system().url,
      WebSocket,
      networkEvents: null,
      getToken: () => {
        counter.calls++;
        return this.system().auth.token(claims);
      },
      ...rest,
    });
    this.tokenCounters.set(client, counter);
    this.clients.push(client);
    return client;
  }

  /** How often getToken of a client from `open` was called (not counting a getToken passed in options). */
  tokenCalls(client: AgileboardClient): number {
    return this.tokenCounters.get(client)?.calls ?? 0;
  }

  /** An SDK client that is online. */
  async online(options: SdkClientOptions = {}): Promise<AgileboardClient> {
    const client = this.open(options);
    await client.whenOnline();
    return client;
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.clients.splice(0).map((c) => c.close()));
  }
}

/** Creates a project through the SDK. */
export function createProject(client: AgileboardClient, name = "Payments") {
  return client.request("createProject", { key: uniqueProjectKey(), name });
}

/** The browser's `online`/`offline` events, for Node: dispatch them with `fire`. */
export class FakeWindow implements NetworkEvents {
  private readonly target = new EventTarget();
  /** Listeners currently registered, by event type. */
  readonly listening = new Map<string, number>();

  addEventListener(type: "online" | "offline", listener: () => void): void {
    this.target.addEventListener(type, listener);
    this.listening.set(type, (this.listening.get(type) ?? 0) + 1);
  }

  removeEventListener(type: "online" | "offline", listener: () => void): void {
    this.target.removeEventListener(type, listener);
    this.listening.set(type, (this.listening.get(type) ?? 0) - 1);
  }

  fire(type: "online" | "offline"): void {
    this.target.dispatchEvent(new Event(type));
  }
}

/** Records every status a client goes through. */
export function recordStatuses(client: AgileboardClient): string[] {
  const statuses: string[] = [client.state.status];
  client.onStateChange((s) => {
    if (statuses.at(-1) !== s.status) statuses.push(s.status);
  });
  return statuses;
}
