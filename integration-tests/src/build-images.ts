#!/usr/bin/env node
// Builds every service image offline (after `npm run build`, scripts/stage-images.mjs and
// scripts/base-images.sh):  DOCKER_HOST=... node integration-tests/dist/build-images.js [tag]
import { buildServiceImages } from "./images.js";

const tag = process.argv[2] ?? "dev";
for (const image of await buildServiceImages(tag)) process.stdout.write(`built ${image}\n`);
