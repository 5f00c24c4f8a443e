import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

/**
 * The process's one metrics registry. Every agileboard metric carries a `service` label, so the embedded
 * default (all services in one process) exposes them side by side on the gateway's /metrics.
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

function getOrCreate<T>(name: string, create: () => T): T {
  return (metricsRegistry.getSingleMetric(name) as T | undefined) ?? create();
}

/** A counter registered once per process, whoever asks first. */
export function counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
  return getOrCreate(name, () => new Counter({ name, help, labelNames, registers: [metricsRegistry] }));
}

/** A gauge registered once per process. */
export function gauge<L extends string>(name: string, help: string, labelNames: readonly L[]): Gauge<L> {
  return getOrCreate(name, () => new Gauge({ name, help, labelNames, registers: [metricsRegistry] }));
}

/** A histogram registered once per process; buckets in seconds. */
export function histogram<L extends string>(
  name: string,
  help: string,
  labelNames: readonly L[],
  buckets: number[] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
): Histogram<L> {
  return getOrCreate(name, () => new Histogram({ name, help, labelNames, buckets, registers: [metricsRegistry] }));
}
