#!/usr/bin/env node
// npm run bench — placeholder until the runner lands.
export {};
