import { connect } from "@agileboard/client";
import { generateDemoProject } from "@agileboard/demo";
import WebSocket from "ws";

/** `npm start -- --demo`: a demo project for `alice` of tenant `acme`, through the running gateway with a dev token. */
export async function createDemoProject(gatewayUrl: string, identity = { tenantId: "acme", userId: "alice" }): Promise<string> {
  const getToken = async () => {
    const response = await fetch(`${gatewayUrl}/dev/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ tenant_id: identity.tenantId, user_id: identity.userId, roles: [] }),
    });
    if (!response.ok) throw new Error(`POST /dev/token answered ${response.status}: --demo needs dev auth (AUTH_DEV=1)`);
    return ((await response.json()) as { token: string }).token;
  };
  const client = connect({ url: gatewayUrl, getToken, WebSocket: WebSocket as never });
  try {
    const project = await generateDemoProject(client, { me: identity.userId });
    return project.key;
  } finally {
    await client.close();
  }
}
