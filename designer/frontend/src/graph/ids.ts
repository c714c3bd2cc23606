/** Fresh, readable, format-valid ids for nodes and edges. */

export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

function slug(text: string): string {
  const cleaned = text.replace(/[^A-Za-z0-9_-]+/g, "_").replace(/^_+|_+$/g, "");
  return (cleaned || "node").slice(0, 56);
}

/** `start` for the first start node, otherwise `<type>_<n>` with the smallest free n. */
export function nextNodeId(type: string, taken: ReadonlySet<string>): string {
  const base = slug(type);
  if (base === "start" && !taken.has(base)) return base;
  for (let n = 1; ; n += 1) {
    const candidate = `${base}_${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** `e<n>` with n above every existing numeric edge id, so new edges sort after old ones. */
export function nextEdgeId(taken: ReadonlySet<string>): string {
  let max = 0;
  for (const id of taken) {
    const match = /^e(\d+)$/.exec(id);
    if (match) max = Math.max(max, Number(match[1]));
  }
  let n = max + 1;
  while (taken.has(`e${n}`)) n += 1;
  return `e${n}`;
}

/** A definition key for a copy: `<key>-copy-<n>`, n counting up from `start`. */
export function copyKey(key: string, n: number): string {
  return `${key}-copy-${n}`;
}
