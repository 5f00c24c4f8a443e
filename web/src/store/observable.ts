import { useRef, useSyncExternalStore } from "react";

/** A value that changes over time and tells its listeners; snapshots are immutable (a new object per change). */
export class Observable<T> {
  private readonly listeners = new Set<() => void>();

  constructor(private value: T) {}

  get(): T {
    return this.value;
  }

  set(next: T): void {
    if (Object.is(next, this.value)) return;
    this.value = next;
    for (const listener of [...this.listeners]) listener();
  }

  update(change: (current: T) => T): void {
    this.set(change(this.value));
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
}

/** Shallow equality of arrays (the id lists columns select). */
export function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a === b || (a.length === b.length && a.every((x, i) => Object.is(x, b[i])));
}

/**
 * The part of an observable a component renders: it re-renders only when `select` returns something `equal`
 * says is different, so a card re-renders when its item changes and not when another card does.
 */
export function useSelect<T, S>(source: Observable<T>, select: (value: T) => S, equal: (a: S, b: S) => boolean = Object.is): S {
  const cache = useRef<{ input: T; select: (value: T) => S; output: S } | undefined>(undefined);
  const getSnapshot = () => {
    const input = source.get();
    const previous = cache.current;
    if (previous && previous.input === input && previous.select === select) return previous.output;
    const output = select(input);
    // Same answer as before: keep the old object, so React sees no change.
    const stable = previous && equal(previous.output, output) ? previous.output : output;
    cache.current = { input, select, output: stable };
    return stable;
  };
  return useSyncExternalStore(source.subscribe, getSnapshot, getSnapshot);
}
