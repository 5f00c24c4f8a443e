/**
 * Resume bookkeeping for one subscribed project: the sequence of the newest event seen, which the client sends as
 * `resume_after` when it subscribes again, and the filter that drops an event it has already delivered.
 */
export class ProjectCursor {
  /** Newest sequence delivered (or the head it resumed from); undefined before the first subscription. */
  private last: number | undefined;

  /** `after`: resume after this sequence on the first subscribe (state the application already holds). */
  constructor(after?: number) {
    this.last = after;
  }

  /** The sequence to send as `resume_after`, or undefined to subscribe from now on. */
  get resumeAfter(): number | undefined {
    return this.last;
  }

  /**
   * Takes a `Subscribed` reply. Subscribing fresh, or told to resync, the client continues from the head; on a
   * resume the replayed events that follow move the cursor themselves (setting the head now would drop them).
   */
  subscribed(headSequence: number, resync: boolean): void {
    if (resync || this.last === undefined) this.last = headSequence;
  }

  /**
   * True when an event is new and must be delivered; false for one at or below the newest seen (a duplicate or an
   * old one). Sequence 0 marks events outside the log (presence), which always pass and move nothing.
   */
  accept(sequence: number): boolean {
    if (sequence === 0) return true;
    if (this.last !== undefined && sequence <= this.last) return false;
    this.last = sequence;
    return true;
  }
}
