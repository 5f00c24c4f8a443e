import { join } from "node:path";
import { hasNatsServer, startNatsServer, type Logger, type NatsServerProcess } from "@agileboard/kit";

/** Which bus the embedded default runs on: "memory", "nats" (NATS_URL) or "nats-server" (a child the launcher started). */
export type BusKind = "memory" | "nats" | "nats-server";

export interface ChosenBus {
  kind: BusKind;
  natsUrl?: string | undefined;
  /** The nats-server the launcher started, to stop last. */
  natsServer?: NatsServerProcess;
}

/**
 * NATS_URL when given; else, unless EMBEDDED_BUS=memory, a local nats-server started now (when one is on
 * PATH, or because EMBEDDED_BUS=nats-server asks for it); else the in-process bus.
 */
export async function chooseBus(opts: { natsUrl?: string | undefined; embeddedBus: "auto" | "memory" | "nats-server"; dataDir: string; logger: Logger }): Promise<ChosenBus> {
  if (opts.natsUrl) return { kind: "nats", natsUrl: opts.natsUrl };
  if (opts.embeddedBus === "memory" || (opts.embeddedBus === "auto" && !hasNatsServer())) return { kind: "memory" };
  const natsServer = await startNatsServer({ storeDir: join(opts.dataDir, "nats") });
  opts.logger.info({ url: natsServer.url, pid: natsServer.pid }, "started nats-server");
  return { kind: "nats-server", natsUrl: natsServer.url, natsServer };
}
