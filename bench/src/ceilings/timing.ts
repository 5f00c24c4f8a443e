/** How long each block runs, from CeilingOptions.quick. */
export interface Budget {
  /** Measured time of one block (or one phase of one), ms. */
  measureMs: number;
  /** Unrecorded warm-up before it (JIT, connection setup, page cache), ms. */
  warmupMs: number;
}

export function budgetFor(quick: boolean): Budget {
  return quick ? { measureMs: 2_000, warmupMs: 500 } : { measureMs: 12_000, warmupMs: 1_500 };
}

/**
 * Runs `once` back to back (each call awaited before the next) for warm-up then measurement;
 * returns the measured calls' durations in ms.
 */
export async function sequentialLatencies(budget: Budget, once: () => Promise<void>): Promise<number[]> {
  const samples: number[] = [];
  const warmupEnd = performance.now() + budget.warmupMs;
  while (performance.now() < warmupEnd) await once();
  const end = performance.now() + budget.measureMs;
  for (let t0 = performance.now(); t0 < end; t0 = performance.now()) {
    await once();
    samples.push(performance.now() - t0);
  }
  return samples;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
