import { generateKeyBetween } from "fractional-indexing";

/**
 * A rank strictly between `lower` and `upper` (either may be absent: top or bottom). Ranks compare as plain
 * strings (byte order, as SQLite's default collation), so a card moves by rewriting its own rank only.
 */
export function rankBetween(lower: string | null, upper: string | null): string {
  if (lower !== null && upper !== null && lower >= upper) {
    throw new RangeError(`no rank between '${lower}' and '${upper}': the lower bound must sort first`);
  }
  return generateKeyBetween(lower, upper);
}

/** The neighbours of a move, as ranks read from the column (null = none on that side). */
export interface MoveBounds {
  /** Rank of the card that ends up just above (before_id), if one was named. */
  above: string | null;
  /** Rank of the card that ends up just below (after_id), if one was named. */
  below: string | null;
}

/**
 * Orders the two named neighbours: a client that swapped them still gets a card placed between them.
 */
export function orderNeighbours(bounds: MoveBounds): MoveBounds {
  if (bounds.above !== null && bounds.below !== null && bounds.above > bounds.below) {
    return { above: bounds.below, below: bounds.above };
  }
  return bounds;
}
