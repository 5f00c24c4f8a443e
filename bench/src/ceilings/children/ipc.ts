// The child side of processes.ts: announce readiness, answer the parent's calls, die with the parent.

export type ChildMessage =
  | { type: "ready"; info: unknown }
  | { type: "reply"; id: number; ok: true; value: unknown }
  | { type: "reply"; id: number; ok: false; error: string };

interface Call {
  type: "call";
  id: number;
  cmd: string;
  args: unknown;
}

export type Handlers = Record<string, (args: never) => unknown>;

/** The JSON the parent passed in argv. */
export function childArgs<T>(): T {
  return JSON.parse(process.argv[2] ?? "{}") as T;
}

export function serve(handlers: Handlers, info: unknown = {}): void {
  // An orphan would keep ports and CPU: leave as soon as the parent's IPC channel closes.
  process.on("disconnect", () => process.exit(0));
  process.on("message", (m: Call) => {
    if (m.type !== "call") return;
    const handler = handlers[m.cmd] as ((args: unknown) => unknown) | undefined;
    const send = (msg: ChildMessage): void => {
      if (process.connected) process.send?.(msg);
    };
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`unknown command ${m.cmd}`);
        return handler(m.args);
      })
      .then(
        (value) => send({ type: "reply", id: m.id, ok: true, value }),
        (err: unknown) => send({ type: "reply", id: m.id, ok: false, error: err instanceof Error ? err.stack ?? err.message : String(err) }),
      );
  });
  process.send?.({ type: "ready", info } satisfies ChildMessage);
}

/** The port of a server's address() (0 if it is not listening on TCP). */
export function portOf(address: string | { port: number } | null): number {
  return typeof address === "object" && address ? address.port : 0;
}
