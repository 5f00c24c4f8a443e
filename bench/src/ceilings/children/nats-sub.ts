// The receiving end of the natsCore and jetstream ceilings: records now − the publisher's stamp.
import { connect, DeliverPolicy, type Msg, type JsMsg } from "nats";
import { decodeFrame } from "../frame.js";
import { sharedClockMs } from "../stats.js";
import { childArgs, serve } from "./ipc.js";

const { url, subject, stream } = childArgs<{ url: string; subject: string; stream?: string }>();
const samples: number[] = [];

function onData(data: Uint8Array): void {
  const now = sharedClockMs();
  const h = decodeFrame(data);
  if (h.record) samples.push(now - h.sentAtMs);
}

const nc = await connect({ servers: url });
if (stream) {
  // An ordered consumer, as the gateway's follow() uses.
  const consumer = await nc.jetstream().consumers.get(stream, { filterSubjects: subject, deliver_policy: DeliverPolicy.New });
  await consumer.consume({ callback: (m: JsMsg) => onData(m.data) });
} else {
  nc.subscribe(subject, { callback: (err: Error | null, m: Msg) => err || onData(m.data) });
}
await nc.flush();
serve({ collect: () => ({ samples: samples.splice(0) }) });
