import { existsSync } from "node:fs";
import { join, sep } from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";

/** What the web app routes need. */
export interface WebAppOptions {
  /** The built web app (`web/dist`): index.html, assets/, embed/. */
  webDir: string;
  /** AUTH_DEV: the app offers the dev sign-in, and the embed demo page is served. */
  devAuth: boolean;
}

/** Routes the single-page app owns: a reload or a deep link on one of them gets index.html. */
const APP_ROUTES = ["/", "/p/*"];
/** Served only with dev auth: it signs in with dev tokens. */
const EMBED_DEMO = "embed-demo.html";

/**
 * Serves the web app: hashed assets cached for a year, everything else revalidated (ETag) so a deploy shows at
 * once; SPA routes fall back to index.html; `/config.json` tells the app how to sign in. Without a build, `/`
 * says how to make one instead of failing silently.
 */
export async function registerWebApp(app: FastifyInstance, opts: WebAppOptions): Promise<void> {
  app.get("/config.json", async (_req, reply) => reply.header("cache-control", "no-cache").send({ dev_auth: opts.devAuth }));

  if (!existsSync(join(opts.webDir, "index.html"))) {
    for (const route of APP_ROUTES) {
      app.get(route, async (_req, reply) =>
        reply
          .code(503)
          .type("text/html; charset=utf-8")
          .send(`<!doctype html><meta charset="utf-8"><title>agileboard</title><p>The web app is not built (looked in <code>${opts.webDir}</code>). Run <code>npm run build</code>, or <code>npm start</code>, which builds it.</p>`),
      );
    }
    return;
  }

  await app.register(fastifyStatic, {
    root: opts.webDir,
    prefix: "/",
    index: false,
    // One route per built file (found at start): other paths keep their own 404s (the API's problem+json).
    wildcard: false,
    etag: true,
    lastModified: true,
    cacheControl: false,
    allowedPath: (path) => opts.devAuth || !path.endsWith(EMBED_DEMO),
    setHeaders: (res, path) => {
      const immutable = path.startsWith(join(opts.webDir, "assets") + sep);
      res.setHeader("cache-control", immutable ? "public, max-age=31536000, immutable" : "no-cache");
      // Host pages on other origins load the embed as a module script, which needs CORS.
      if (path.startsWith(join(opts.webDir, "embed") + sep)) res.setHeader("access-control-allow-origin", "*");
    },
  });
  for (const route of APP_ROUTES) {
    app.get(route, async (_req, reply) => reply.header("cache-control", "no-cache").sendFile("index.html"));
  }
}
