import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GenericContainer, getContainerRuntimeClient, ImageName } from "testcontainers";
import { REPO_ROOT } from "@agileboard/testkit";

/** The deployables, by the one name each has everywhere. */
export const SERVICES = ["gateway", "tenancy", "workitems", "sprints", "webhooks"] as const;
export type ServiceName = (typeof SERVICES)[number];

/** The local base images scripts/base-images.sh builds from this host's binaries (nothing is pulled). */
export const BASE_IMAGES = { node: "local/node-base:20", nats: "local/nats:current" } as const;

/** The tag of a service image. */
export const imageOf = (service: ServiceName, tag: string) => `agileboard-${service}:${tag}`;

/** Fails with a clear message unless every image is local (so nothing is ever pulled). */
export async function requireLocalImages(images: readonly string[]): Promise<void> {
  const client = await getContainerRuntimeClient();
  const missing: string[] = [];
  for (const image of images) if (!(await client.image.exists(ImageName.fromString(image)))) missing.push(image);
  if (missing.length > 0) throw new Error(`missing local images ${missing.join(", ")}: run scripts/base-images.sh (and stage the service images) first`);
}

/**
 * Builds the service images offline from the contexts scripts/stage-images.mjs prepared: the Dockerfiles'
 * multi-stage path with ARTIFACTS=prebuilt on the local Node base, with BuildKit (which skips the online
 * stage). Returns the tags.
 */
export async function buildServiceImages(tag: string, services: readonly ServiceName[] = SERVICES): Promise<string[]> {
  await requireLocalImages([BASE_IMAGES.node]);
  const tags: string[] = [];
  for (const service of services) {
    const image = imageOf(service, tag);
    await GenericContainer.fromDockerfile(join(REPO_ROOT, "build", "images", service))
      .withBuildArgs({ BASE_IMAGE: BASE_IMAGES.node, ARTIFACTS: "prebuilt" })
      .withBuildkit()
      .build(image, { deleteOnExit: false });
    tags.push(image);
  }
  return tags;
}

/** An image derived from `from` with extra files (e.g. a migration added by an upgrade). */
export async function buildDerivedImage(from: string, tag: string, files: Record<string, string>): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "agileboard-derived-"));
  const copies: string[] = [];
  for (const [target, content] of Object.entries(files)) {
    const name = target.replace(/[^A-Za-z0-9_.-]/g, "_");
    writeFileSync(join(dir, name), content);
    copies.push(`COPY ${name} ${target}`);
  }
  writeFileSync(join(dir, "Dockerfile"), [`FROM ${from}`, ...copies].join("\n") + "\n");
  await GenericContainer.fromDockerfile(dir).build(tag, { deleteOnExit: false });
  return tag;
}
