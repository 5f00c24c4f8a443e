import { isTenantId, metricsRegistry, type DevSigner } from "@agileboard/kit";
import type { FastifyInstance } from "fastify";
import { z } from "zod";

/** What the HTTP routes report on. */
export interface HttpDeps {
  /** Readiness: each check by name. */
  readiness: () => Record<string, boolean>;
  /** Present when AUTH_DEV=1. */
  devSigner?: DevSigner;
}

const DEV_TOKEN_MAX_TTL_S = 7 * 24 * 3600;

const devTokenBody = z.object({
  tenant_id: z.string().refine(isTenantId, "must match ^[a-z0-9][a-z0-9_-]{0,62}$").default("dev"),
  user_id: z.string().min(1).max(256).default("dev-user"),
  roles: z.array(z.string().max(64)).max(32).default([]),
  ttl_seconds: z.number().int().min(1).max(DEV_TOKEN_MAX_TTL_S).default(3600),
});

/** /healthz, /readyz, /metrics, the index page and, in dev mode, POST /dev/token. */
export function registerRoutes(app: FastifyInstance, deps: HttpDeps): void {
  app.get("/healthz", async () => ({ status: "ok" }));

  app.get("/readyz", async (_req, reply) => {
    const checks = deps.readiness();
    const ready = Object.values(checks).every(Boolean);
    return reply.code(ready ? 200 : 503).send({ status: ready ? "ready" : "not ready", checks });
  });

  app.get("/metrics", async (_req, reply) => {
    return reply.header("content-type", metricsRegistry.contentType).send(await metricsRegistry.metrics());
  });

  app.get("/", async (req, reply) => {
    return reply.type("text/html; charset=utf-8").send(indexPage(Boolean(deps.devSigner), req.headers.host ?? "localhost:8080"));
  });

  const signer = deps.devSigner;
  if (signer) {
    app.post("/dev/token", async (req, reply) => {
      const parsed = devTokenBody.safeParse(req.body ?? {});
      if (!parsed.success) {
        return reply.code(400).send({
          error: "invalid request",
          violations: parsed.error.issues.map((i) => ({ field: i.path.join("."), description: i.message })),
        });
      }
      const b = parsed.data;
      const { token, expiresAtMs } = await signer.sign({ tenantId: b.tenant_id, userId: b.user_id, roles: b.roles }, b.ttl_seconds);
      return { token, expires_at_ms: expiresAtMs, tenant_id: b.tenant_id, user_id: b.user_id, roles: b.roles };
    });
  }
}

function indexPage(dev: boolean, host: string): string {
  const tokenHelp = dev
    ? `<p>Get a dev token: <code>curl -s -XPOST http://${host}/dev/token -H 'content-type: application/json' -d '{"tenant_id":"acme","user_id":"alice"}'</code></p>`
    : "<p>Connect with a JWT from your identity provider.</p>";
  return `<!doctype html><html><head><meta charset="utf-8"><title>agileboard</title></head><body>
<h1>agileboard gateway</h1>
<p>WebSocket: <code>GET /ws</code>, binary <code>agileboard.v1.ClientFrame</code> frames, token as
<code>Authorization: Bearer &lt;jwt&gt;</code> or subprotocols <code>agileboard.v1, bearer.&lt;jwt&gt;</code>.</p>
${tokenHelp}
<p>REST for integrations and LLMs: <a href="/api/docs">/api/docs</a> (OpenAPI: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>,
what the data means: <a href="/api/v1/schema">/api/v1/schema</a>); MCP: <code>POST /mcp</code>.</p>
<p><a href="/readyz">/readyz</a> · <a href="/metrics">/metrics</a></p>
</body></html>`;
}
