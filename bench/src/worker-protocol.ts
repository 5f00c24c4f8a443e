// Messages between the runner and its subscriber workers (fork IPC, advanced serialization).

/** [token index, project index] */
export type SocketSpec = [number, number];

export type ToWorker =
  | { type: "open"; url: string; mode: "sdk" | "thin"; tokens: string[]; projects: string[]; sockets: SocketSpec[]; concurrency: number }
  | { type: "reset" }
  | { type: "collect" }
  | { type: "close" };

export type FromWorker =
  | { type: "ok" }
  | { type: "progress"; opened: number; failed: number }
  | { type: "opened"; ok: number; failed: number; errors: string[] }
  | {
      type: "collected";
      keys: string[];
      first: Float64Array;
      last: Float64Array;
      count: Int32Array;
      sockets: number;
      socketsWithEvents: number;
      frames: number;
      closes: number;
      closeCodes: Record<string, number>;
      errors: string[];
    };
