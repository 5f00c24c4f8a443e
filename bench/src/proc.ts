// CPU time and resident memory of every process of the system under test, from /proc: the root PID (the
// launcher) and all its descendants, nats-server included. CPU is reported as % of one core over a window.
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

const TICKS_PER_S = 100; // USER_HZ on Linux
const PAGE = 4096;

interface Stat {
  pid: number;
  ppid: number;
  cpuTicks: number;
  rssBytes: number;
}

function readStat(pid: number): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name may hold spaces and parentheses: the fields start after the last ')'.
    const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { pid, ppid: Number(f[1]), cpuTicks: Number(f[11]) + Number(f[12]), rssBytes: Number(f[21]) * PAGE };
  } catch {
    return undefined;
  }
}

function cmdline(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
  } catch {
    return [];
  }
}

/** A readable name from the command line: gateway, workitems, nats-server, launcher, … */
export function processName(pid: number): string {
  const argv = cmdline(pid);
  const joined = argv.join(" ");
  const service = /services\/([a-z-]+)\//.exec(joined) ?? /packages\/([a-z-]+)\//.exec(joined);
  if (service?.[1]) return service[1];
  if (/nats-server/.test(argv[0] ?? "")) return "nats-server";
  const last = (argv[1] ?? argv[0] ?? `pid ${pid}`).split("/").pop() ?? "";
  return last;
}

/** The root and all its descendants. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const s = readStat(Number(entry));
    if (!s) continue;
    const list = children.get(s.ppid) ?? [];
    list.push(s.pid);
    children.set(s.ppid, list);
  }
  const out: number[] = [];
  const walk = (pid: number): void => {
    out.push(pid);
    for (const c of children.get(pid) ?? []) walk(c);
  };
  if (readStat(root)) walk(root);
  return out;
}

/** Processes of the tree with their names; a child with its parent's command line (a cluster worker) says so. */
export function namedTree(root: number): { pid: number; name: string }[] {
  const pids = processTree(root);
  const names = new Map(pids.map((p) => [p, processName(p)]));
  const parents = new Map(pids.map((p) => [p, readStat(p)?.ppid ?? 0]));
  return pids.map((pid) => {
    const name = names.get(pid) ?? "?";
    const parent = parents.get(pid);
    const sameAsParent = parent !== undefined && cmdline(parent).join(" ") === cmdline(pid).join(" ");
    return { pid, name: sameAsParent ? `${name} worker` : name };
  });
}

export function rssOf(pid: number): number {
  return readStat(pid)?.rssBytes ?? 0;
}

export function openFiles(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return 0;
  }
}

/** Open sockets of a process (TCP and others): how many clients a gateway process holds. */
export function openSockets(pid: number): number {
  try {
    let n = 0;
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        if (readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith("socket:")) n++;
      } catch {
        /* closed meanwhile */
      }
    }
    return n;
  } catch {
    return 0;
  }
}

export interface ProcessUsage {
  pid: number;
  name: string;
  /** % of one core over the window. */
  cpuPercent: number;
  rssMaxBytes: number;
  rssEndBytes: number;
}

export interface Usage {
  windowMs: number;
  processes: ProcessUsage[];
  total: { cpuPercent: number; rssMaxBytes: number; rssEndBytes: number };
}

/** Samples the tree from start() to stop(): CPU by the difference of ticks, RSS every 250 ms (max and last). */
export class ProcSampler {
  private startTicks = new Map<number, number>();
  private rssMax = new Map<number, number>();
  private startedAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private names = new Map<number, string>();

  /** `root`: sample that PID and its descendants; `fixed`: exactly these processes (the load generator's own). */
  constructor(private readonly root: number | undefined, private readonly fixed?: { pid: number; name: string }[]) {}

  private members(): { pid: number; name: string }[] {
    if (this.fixed) return this.fixed;
    return this.root === undefined ? [] : namedTree(this.root);
  }

  start(): void {
    if (this.root === undefined && !this.fixed) return;
    this.startedAt = performance.now();
    this.startTicks.clear();
    this.rssMax.clear();
    for (const { pid, name } of this.members()) {
      this.names.set(pid, name);
      this.startTicks.set(pid, readStat(pid)?.cpuTicks ?? 0);
    }
    this.sample();
    this.timer = setInterval(() => this.sample(), 250);
  }

  private sample(): void {
    for (const { pid } of this.members()) {
      const rss = readStat(pid)?.rssBytes ?? 0;
      if (rss > (this.rssMax.get(pid) ?? 0)) this.rssMax.set(pid, rss);
    }
  }

  stop(): Usage | undefined {
    if (this.root === undefined && !this.fixed) return undefined;
    if (this.timer) clearInterval(this.timer);
    this.sample();
    const windowMs = performance.now() - this.startedAt;
    const processes: ProcessUsage[] = [];
    for (const { pid, name } of this.members()) {
      const s = readStat(pid);
      if (!s) continue;
      const ticks = s.cpuTicks - (this.startTicks.get(pid) ?? 0);
      processes.push({ pid, name: this.names.get(pid) ?? name, cpuPercent: (ticks / TICKS_PER_S) * 1000 * 100 / windowMs, rssMaxBytes: this.rssMax.get(pid) ?? s.rssBytes, rssEndBytes: s.rssBytes });
    }
    const sum = (f: (p: ProcessUsage) => number): number => processes.reduce((n, p) => n + f(p), 0);
    return { windowMs, processes, total: { cpuPercent: sum((p) => p.cpuPercent), rssMaxBytes: sum((p) => p.rssMaxBytes), rssEndBytes: sum((p) => p.rssEndBytes) } };
  }
}

/** "gateway 85% 120 MiB, workitems 40% …, total 180%". */
export function usageLine(u: Usage | undefined): string {
  if (!u) return "CPU/RSS: not sampled (remote system)";
  const parts = u.processes.map((p) => `${p.name} ${p.cpuPercent.toFixed(0)}% ${(p.rssMaxBytes / 1048576).toFixed(0)} MiB`);
  return `${parts.join(", ")}; total ${u.total.cpuPercent.toFixed(0)}% of a core, ${(u.total.rssMaxBytes / 1048576).toFixed(0)} MiB`;
}
