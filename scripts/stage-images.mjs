#!/usr/bin/env node
// Prepares each service's image build context in build/images/<service>/ from the built workspace
// (`npm run build` first): the service's dist, its migrations, the workspace packages it uses (vendor/), and
// its production dependencies exactly as installed here (node_modules/, better-sqlite3 already compiled for
// this Node and glibc). The Dockerfile's offline path (ARTIFACTS=prebuilt) copies this as is; its online
// path runs `npm install --omit=dev` from the generated package.json instead.
//   node scripts/stage-images.mjs [service ...]      (default: all of them)
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const SERVICES = ["gateway", "tenancy", "workitems", "sprints", "webhooks"];
const WORKSPACE_DIRS = { "@agileboard/proto": "proto", "@agileboard/kit": "packages/kit", "@agileboard/mcp": "packages/mcp" };
// better-sqlite3 needs only its JavaScript and the compiled addon at run time.
const SKIP_IN_BETTER_SQLITE3 = ["deps", "src", "build/Release/obj", "build/Release/obj.target", "build/Release/.deps", "build/deps", "build/Release/test_extension.node"];

const readJson = (path) => JSON.parse(readFileSync(path, "utf8"));

function productionPackages(service) {
  const out = execFileSync("npm", ["ls", "--omit=dev", "--all", "--parseable", "-w", `@agileboard/${service}`], { cwd: root, encoding: "utf8" });
  return [...new Set(out.split("\n").filter((line) => line.startsWith(join(root, "node_modules") + sep)))];
}

/** Copies a workspace package's publishable part, pointing its workspace dependencies at the vendored copies. */
function vendor(name, app) {
  const src = join(root, WORKSPACE_DIRS[name]);
  const dest = join(app, "vendor", name.split("/")[1]);
  mkdirSync(dest, { recursive: true });
  cpSync(join(src, "dist"), join(dest, "dist"), { recursive: true, filter: (p) => !p.endsWith(".map") });
  const pkg = readJson(join(src, "package.json"));
  for (const dep of Object.keys(pkg.dependencies ?? {})) {
    if (dep in WORKSPACE_DIRS) pkg.dependencies[dep] = `file:../${dep.split("/")[1]}`;
  }
  delete pkg.devDependencies;
  writeFileSync(join(dest, "package.json"), JSON.stringify(pkg, null, 2));
  // Resolve the package through node_modules, as npm would link it.
  const link = join(app, "node_modules", name);
  mkdirSync(dirname(link), { recursive: true });
  symlinkSync(relative(dirname(link), dest), link);
}

function stage(service) {
  const out = join(root, "build", "images", service);
  const app = join(out, "app");
  rmSync(out, { recursive: true, force: true });
  mkdirSync(app, { recursive: true });
  const serviceDir = join(root, "services", service);
  cpSync(join(serviceDir, "Dockerfile"), join(out, "Dockerfile"));
  cpSync(join(serviceDir, ".dockerignore"), join(out, ".dockerignore"));
  cpSync(join(serviceDir, "dist"), join(app, "dist"), { recursive: true, filter: (p) => !p.endsWith(".map") });
  if (service !== "gateway") {
    for (const ns of ["kit", service]) cpSync(join(root, "migrations", ns), join(app, "migrations", ns), { recursive: true });
  } else {
    // The gateway serves the built web app (WEB_DIR=/app/web in its image).
    if (!existsSync(join(root, "web", "dist", "index.html"))) throw new Error("web/dist is not built: run npm run build first");
    cpSync(join(root, "web", "dist"), join(app, "web"), { recursive: true, filter: (p) => !p.endsWith(".map") });
  }

  const deps = {};
  for (const path of productionPackages(service)) {
    const rel = relative(join(root, "node_modules"), path);
    const pkg = readJson(join(path, "package.json"));
    if (pkg.name in WORKSPACE_DIRS) {
      vendor(pkg.name, app);
      deps[pkg.name] = `file:vendor/${pkg.name.split("/")[1]}`;
      continue;
    }
    if (pkg.name === `@agileboard/${service}`) continue;
    const dest = join(app, "node_modules", rel);
    cpSync(path, dest, {
      recursive: true,
      dereference: true,
      filter: (p) => {
        if (pkg.name === "better-sqlite3") return !SKIP_IN_BETTER_SQLITE3.some((skip) => p.startsWith(join(path, skip)));
        return !p.endsWith(".md") && !p.endsWith(".map");
      },
    });
  }
  const servicePkg = readJson(join(serviceDir, "package.json"));
  for (const [dep, range] of Object.entries(servicePkg.dependencies ?? {})) {
    if (!(dep in WORKSPACE_DIRS)) deps[dep] = readJson(join(root, "node_modules", dep, "package.json")).version ?? range;
  }
  writeFileSync(
    join(app, "package.json"),
    JSON.stringify({ name: `agileboard-${service}`, version: servicePkg.version, private: true, type: "module", dependencies: deps }, null, 2),
  );
  if (!existsSync(join(app, "node_modules", "better-sqlite3", "build", "Release", "better_sqlite3.node")) && service !== "gateway") {
    throw new Error(`better-sqlite3 is not built in node_modules: run npm ci first`);
  }
  return out;
}

const wanted = process.argv.slice(2);
for (const service of wanted.length ? wanted : SERVICES) {
  if (!SERVICES.includes(service)) throw new Error(`unknown service ${service}`);
  console.log(`staged ${relative(root, stage(service))}`);
}
