import { PassThrough, type Readable } from "node:stream";
import { once } from "node:events";
import { PermissionDeniedError } from "@agileboard/kit";
import type { FastifyInstance } from "fastify";
import type { TenantArchiver } from "../../tenant-archive/archiver.js";
import type { ApiHelpers } from "./routes.js";
import { ERROR_RESPONSES } from "./schemas.js";

/** Role a token needs to export or import its tenant. */
const TENANT_ADMIN_ROLE = "admin";

/**
 * GET /api/v1/tenant/export (the caller's tenant as a tar archive) and POST /api/v1/tenant/import (an archive
 * into the caller's tenant, which must have no data), for tenant admins (token role "admin").
 */
export function registerTenantRoutes(api: FastifyInstance, helpers: ApiHelpers, archiver: TenantArchiver): void {
  api.addContentTypeParser("application/x-tar", (_req, payload, done) => done(null, payload));

  api.get(
    "/tenant/export",
    {
      schema: {
        tags: ["tenant"],
        summary: "The caller's whole tenant as one archive (tenant admins)",
        description:
          "A tar of manifest.json (format, schema versions, row counts, SHA-256 checksums) and one SQLite file per service, each a consistent snapshot taken with SQLite's online backup API while the system keeps running.",
        response: { 200: { description: "The archive", content: { "application/x-tar": { schema: { type: "string", format: "binary" } } } }, ...ERROR_RESPONSES },
      },
    },
    async (req, reply) => {
      const caller = await helpers.authenticate(req);
      if (!caller.identity.roles.includes(TENANT_ADMIN_ROLE)) throw new PermissionDeniedError("exporting a tenant needs the tenant admin role");
      const stream = new PassThrough();
      let started = false;
      const sink = async (chunk: Buffer) => {
        if (!started) {
          // Headers go out with the first byte, so a refusal before it is still a problem+json answer.
          started = true;
          const date = new Date().toISOString().slice(0, 10);
          void reply.type("application/x-tar").header("content-disposition", `attachment; filename="${caller.tenantId}-${date}.tar"`).send(stream);
        }
        if (!stream.write(chunk)) await once(stream, "drain");
      };
      try {
        await archiver.export(caller.tenantId, (service) => caller.metadataFor(service), sink);
        stream.end();
      } catch (err) {
        if (!started) throw err;
        stream.destroy(err instanceof Error ? err : new Error(String(err)));
      }
      return reply;
    },
  );

  api.post(
    "/tenant/import",
    {
      schema: {
        tags: ["tenant"],
        summary: "Restore an archive into the caller's tenant, which must have no data (tenant admins)",
        description: "Send the tar from /tenant/export as the body (content-type application/x-tar). Every file is checked before any is installed; a tenant that has data is refused (409).",
        response: {
          200: {
            description: "What was imported",
            type: "object",
            properties: {
              tenant_id: { type: "string" },
              services: {
                type: "array",
                items: { type: "object", properties: { service: { type: "string" }, row_counts: { type: "object", additionalProperties: { type: "integer" } } }, required: ["service", "row_counts"] },
              },
            },
            required: ["tenant_id", "services"],
          },
          ...ERROR_RESPONSES,
        },
      },
    },
    async (req, reply) => {
      const body = req.body as Readable;
      try {
        const caller = await helpers.authenticate(req);
        if (!caller.identity.roles.includes(TENANT_ADMIN_ROLE)) throw new PermissionDeniedError("importing a tenant needs the tenant admin role");
        const report = await archiver.import(caller.tenantId, (service) => caller.metadataFor(service), body);
        return reply.type("application/json; charset=utf-8").send(JSON.stringify(report));
      } catch (err) {
        // The client may still be sending the archive: answer, then end the connection rather than wait for
        // (or read) the rest of an upload nobody will use.
        reply.header("connection", "close");
        body.resume();
        throw err;
      }
    },
  );
}
