/** A stable hue (0–359) for a name: avatars, labels and project icons keep their colour everywhere. */
export function hueOf(name: string): number {
  let hash = 0;
  for (let i = 0; i < name.length; i++) hash = (hash * 31 + name.charCodeAt(i)) | 0;
  return Math.abs(hash) % 360;
}

/** Up to two letters for an avatar: "alice" → "AL", "Zoë O'Brien" → "ZO". */
export function initialsOf(name: string): string {
  const words = name.replace(/@.*$/, "").split(/[\s._-]+/u).filter(Boolean);
  const letters = words.length > 1 ? [...(words[0] ?? "")].slice(0, 1).concat([...(words[1] ?? "")].slice(0, 1)) : [...(words[0] ?? name)].slice(0, 2);
  return letters.join("").toUpperCase() || "?";
}

/** Ten colours white text reads well on (4.5:1 or better), for avatars and project icons. */
const PALETTE = ["#b42318", "#c4320a", "#93370d", "#027a48", "#0e7090", "#175cd3", "#3538cd", "#6941c6", "#c11574", "#475467"];

/** The colour of a name's avatar or icon, stable everywhere. */
export function colorOf(name: string): string {
  return PALETTE[hueOf(name) % PALETTE.length] ?? "#475467";
}
