import { spawn, spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createProject, createWorkItem, freePort, REPO_ROOT, spawnEntry, TestAuth, TestClient, tempDir, waitFor } from "@agileboard/testkit";
import { afterAll, describe, expect, it } from "vitest";

// `npm start` runs packages/launcher/dist/main.js after installing and building; these tests run that
// entry point as a process, the way the README's first command leaves it running.

const LAUNCHER = "packages/launcher/dist/main.js";

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Pids whose parent is `pid`, from /proc. */
function childrenOf(pid: number): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        const stat = readFileSync(`/proc/${name}/stat`, "utf8");
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** Every process below `pid`. */
function descendantsOf(pid: number): number[] {
  return childrenOf(pid).flatMap((child) => [child, ...descendantsOf(child)]);
}

describe("the embedded default (npm start)", () => {
  const dirs: { remove(): void }[] = [];
  afterAll(() => dirs.forEach((d) => d.remove()));

  it("serves /readyz and the WebSocket with dev tokens, on a nats-server it starts, and stops it on SIGTERM", async () => {
    const dir = tempDir();
    dirs.push(dir);
    const port = await freePort();
    const system = await spawnEntry(LAUNCHER, { PORT: String(port), DATA_DIR: dir.path }, { ready: /agileboard is running at/ });
    const url = `http://127.0.0.1:${port}`;
    expect(system.output()).toMatch(/bus: nats-server/);
    expect(system.output()).toMatch(/\/dev\/token/);
    const natsPid = Number(/"pid":(\d+),"msg":"started nats-server"/.exec(system.output())?.[1]);
    expect(isAlive(natsPid)).toBe(true);

    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    const { token } = (await (
      await fetch(`${url}/dev/token`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ tenant_id: "acme", user_id: "alice" }) })
    ).json()) as { token: string };
    const alice = await TestClient.connect(url, token);
    const watcher = await TestClient.connect(url, token);
    const project = await createProject(alice);
    await watcher.expect("subscribed", { $case: "subscribe", value: { projectIds: [project.id], resumeAfter: {} } });
    await createWorkItem(alice, project.id);
    await watcher.waitForEvent((e) => e.change?.$case === "workItemCreated");
    alice.close();
    watcher.close();

    const { code } = await system.stop();
    expect(code).toBe(0);
    expect(isAlive(natsPid)).toBe(false);
  });

  it("runs each service and two gateways in processes of their own on NATS, restarts a service that dies, and stops them all", async () => {
    const dir = tempDir();
    dirs.push(dir);
    // PORT=0: the launcher picks one free port that both gateways share.
    const system = await spawnEntry(LAUNCHER, { PORT: "0", HOST: "127.0.0.1", DATA_DIR: dir.path, GATEWAY_PROCESSES: "2" }, { ready: /agileboard is running at/ });
    const url = /agileboard is running at (http:\/\/127\.0\.0\.1:\d+)/.exec(system.output())?.[1] ?? "";
    expect(url).toMatch(/:\d{4,5}$/);
    expect(system.output()).toMatch(/bus: nats-server; 7 processes: tenancy, sprints, workitems, webhooks, gateway-1, gateway-2, nats-server/);
    const tree = descendantsOf(system.pid);
    const commands = tree.map((pid) => readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " "));
    expect(commands.filter((c) => c.includes("services/gateway/dist/main.js"))).toHaveLength(2);
    for (const service of ["tenancy", "sprints", "workitems", "webhooks"]) expect(commands.filter((c) => c.includes(`services/${service}/dist/main.js`))).toHaveLength(1);

    const token = async (user: string) =>
      (
        (await (
          await fetch(`${url}/dev/token`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ tenant_id: "acme", user_id: user }) })
        ).json()) as { token: string }
      ).token;
    const alice = await TestClient.connect(url, await token("alice"));
    const project = await createProject(alice);
    // The cluster deals connections to the two gateways in turn: four watchers sit on both.
    const watchers = await Promise.all([1, 2, 3, 4].map(async () => TestClient.connect(url, await token("alice"))));
    for (const watcher of watchers) await watcher.expect("subscribed", { $case: "subscribe", value: { projectIds: [project.id], resumeAfter: {} } });
    await createWorkItem(alice, project.id);
    for (const watcher of watchers) await watcher.waitForEvent((e) => e.change?.$case === "workItemCreated");

    // A domain service killed outright comes back on the same port, and writes go through again.
    const workitemsPid = tree.find((pid) => readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("services/workitems/dist/main.js")) ?? 0;
    process.kill(workitemsPid, "SIGKILL");
    await waitFor(() => /service exited; restarting it/.test(system.output()), 10_000, "the launcher to restart workitems");
    await waitFor(
      async () => {
        try {
          await createWorkItem(alice, project.id);
          return true;
        } catch {
          return false;
        }
      },
      20_000,
      "a write through the restarted workitems",
    );
    for (const watcher of watchers) await watcher.waitForEvent((e) => e.change?.$case === "workItemCreated");
    alice.close();
    watchers.forEach((w) => w.close());

    const everyone = descendantsOf(system.pid);
    expect((await system.stop()).code).toBe(0);
    await waitFor(() => everyone.every((pid) => !isAlive(pid)), 10_000, "every child to exit");
  }, 60_000);

  it("runs on the in-process bus with an external JWKS and dev auth off, as a black-box client configures it", async () => {
    const dir = tempDir();
    dirs.push(dir);
    const auth = await TestAuth.create(dir.path);
    const port = await freePort();
    const system = await spawnEntry(
      LAUNCHER,
      { PORT: String(port), DATA_DIR: dir.path, AUTH_JWKS: auth.jwksPath, AUTH_DEV: "0", EMBEDDED_BUS: "memory" },
      { ready: /agileboard is running at/ },
    );
    const url = `http://127.0.0.1:${port}`;
    expect(system.output()).toMatch(/bus: memory; one process/);
    expect((await fetch(`${url}/dev/token`, { method: "POST" })).status).toBe(404);
    const client = await TestClient.connect(url, await auth.token());
    await createProject(client);
    client.close();
    expect((await system.stop()).code).toBe(0);
  });

  it("stops at start-up naming every bad variable", () => {
    const result = spawnSync(process.execPath, [LAUNCHER], {
      env: { ...process.env, PORT: "eighty", WS_RATE_PER_S: "-1", DATA_DIR: "/tmp/unused" },
      encoding: "utf8",
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/PORT: expected an integer/);
    expect(result.stderr).toMatch(/WS_RATE_PER_S: expected an integer/);
  });

  it("stops at start-up when the token keys cannot be found", () => {
    const missing = spawnSync(process.execPath, [LAUNCHER], { env: { ...process.env, AUTH_DEV: "0", DATA_DIR: "/tmp/unused" }, encoding: "utf8" });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/AUTH_JWKS: required/);
    const unreadable = spawnSync(process.execPath, [LAUNCHER], {
      env: { ...process.env, AUTH_DEV: "0", AUTH_JWKS: "/nonexistent/jwks.json", DATA_DIR: "/tmp/unused", EMBEDDED_BUS: "memory" },
      encoding: "utf8",
    });
    expect(unreadable.status).toBe(1);
    expect(unreadable.stderr).toMatch(/AUTH_JWKS: cannot read a JWKS from \/nonexistent\/jwks.json/);
  });

  it("takes its nats-server with it when it is killed with SIGKILL", async () => {
    const dir = tempDir();
    dirs.push(dir);
    const system = await spawnEntry(LAUNCHER, { PORT: String(await freePort()), DATA_DIR: dir.path }, { ready: /agileboard is running at/ });
    const natsPid = Number(/"pid":(\d+),"msg":"started nats-server"/.exec(system.output())?.[1]);
    expect(isAlive(natsPid)).toBe(true);
    const tree = descendantsOf(system.pid);
    expect(tree.length).toBeGreaterThanOrEqual(6);
    await system.kill();
    await waitFor(() => !isAlive(natsPid), 10_000, "nats-server to exit with its parent");
    await waitFor(() => tree.every((pid) => !isAlive(pid)), 15_000, `every service and gateway to exit with their parent (${tree.join(", ")})`);
  });

  it("stops, nats-server included, when the `npm start` that launched it is killed with SIGKILL", async () => {
    const dir = tempDir();
    dirs.push(dir);
    const port = await freePort();
    const npm = spawn("npm", ["start"], { cwd: REPO_ROOT, env: { ...process.env, PORT: String(port), DATA_DIR: dir.path }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    npm.stdout.on("data", (c: Buffer) => (output += c.toString()));
    npm.stderr.on("data", (c: Buffer) => (output += c.toString()));
    await waitFor(() => /agileboard is running at/.test(output), 120_000, "npm start to be ready");
    const natsPid = Number(/"pid":(\d+),"msg":"started nats-server"/.exec(output)?.[1]);
    const tree = descendantsOf(npm.pid ?? 0);
    expect(tree).toContain(natsPid);
    expect(tree.length).toBeGreaterThanOrEqual(3);
    npm.kill("SIGKILL");
    await waitFor(() => tree.every((pid) => !isAlive(pid)), 15_000, `every process npm start started to exit (${tree.join(", ")})`);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.status).toBeUndefined();
  }, 150_000);
});
