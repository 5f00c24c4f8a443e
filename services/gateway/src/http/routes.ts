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

/** /healthz, /readyz, /metrics and, in dev mode, POST /dev/token. */
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
