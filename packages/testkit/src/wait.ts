/** Polls `condition` until it holds, or fails after `timeoutMs` with `what` in the message. */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 5_000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Resolves after `ms` (for letting something that must NOT happen have its chance). */
export function settle(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
