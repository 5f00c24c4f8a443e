import { WorkItemType, type ServerFrame } from "@agileboard/proto";
import { TestClient } from "@agileboard/testkit";

/** Prints a scenario's figures where the test output shows them. */
export function report(scenario: string, figures: Record<string, unknown>): void {
  const parts = Object.entries(figures).map(([k, v]) => `${k}=${typeof v === "number" ? Math.round(v) : String(v)}`);
  process.stdout.write(`\n  ▶ ${scenario}: ${parts.join(", ")}\n`);
}

/** Calls served per tenant by one service replica, read from its /metrics. */
export async function tenantCalls(metricsPort: number): Promise<Map<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  const out = new Map<string, number>();
  for (const match of text.matchAll(/^agileboard_rpc_server_tenant_calls_total\{([^}]*)\} (\d+)/gm)) {
    const tenant = /tenant="([^"]+)"/.exec(match[1] ?? "")?.[1];
    if (tenant) out.set(tenant, (out.get(tenant) ?? 0) + Number(match[2]));
  }
  return out;
}

/** A createWorkItem request value. */
export function newItem(projectId: string, title: string) {
  return {
    $case: "createWorkItem" as const,
    value: { projectId, itemType: WorkItemType.WORK_ITEM_TYPE_TASK, title, description: "", parentId: "", priority: 0, assigneeId: "", sprintId: "", labels: [], status: 0 },
  };
}

/** The reply's error code, or "ok". */
export function outcome(frame: ServerFrame): string {
  return frame.payload?.$case === "error" ? String(frame.payload.value.code) : "ok";
}

/** Connects, retrying while the gateway is not up yet. */
export async function connectWhenUp(url: string, token: string, timeoutMs = 20_000): Promise<TestClient> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await TestClient.connect(url, token);
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
