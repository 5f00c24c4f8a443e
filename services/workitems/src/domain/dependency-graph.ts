/** The most items a cycle search visits (a guard; real graphs are far smaller). */
const MAX_VISITED = 10_000;

/**
 * The chain of "blocks" edges from `from` to `to`, as item ids from..to, or undefined when there is none.
 * Adding "A blocks B" closes a cycle exactly when B already (transitively) blocks A.
 */
export function findBlockingPath(from: string, to: string, blockedBy: (itemId: string) => readonly string[]): string[] | undefined {
  const previous = new Map<string, string | null>([[from, null]]);
  const queue = [from];
  while (queue.length > 0 && previous.size < MAX_VISITED) {
    const current = queue.shift() as string;
    if (current === to) {
      const path: string[] = [];
      for (let node: string | null | undefined = to; node; node = previous.get(node)) path.unshift(node);
      return path;
    }
    for (const next of blockedBy(current)) {
      if (!previous.has(next)) {
        previous.set(next, current);
        queue.push(next);
      }
    }
  }
  return undefined;
}

/** The cycle "A blocks B" would close, as A → B → … → A, or undefined. */
export function cycleOf(blockingId: string, blockedId: string, blockedBy: (itemId: string) => readonly string[]): string[] | undefined {
  const path = findBlockingPath(blockedId, blockingId, blockedBy);
  return path ? [blockingId, ...path] : undefined;
}
