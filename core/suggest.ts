/** Edit distance, for "did you mean" hints. Inputs are short keys and names. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** The closest candidate if it is close enough to be a likely typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    // A typo of a longer key's stem (`pasword` for `passwordHash`) counts too.
    const lc = c.toLowerCase();
    const d = Math.min(editDistance(w, lc), lc.length > w.length + 2 ? editDistance(w, lc.slice(0, w.length + 1)) + 1 : Infinity);
    if (d < bestD) [best, bestD] = [c, d];
  }
  const limit = Math.max(1, Math.floor(word.length / 3));
  return bestD <= limit ? best : undefined;
}

export function didYouMean(word: string, candidates: readonly string[], fallback?: string): string | undefined {
  const c = closest(word, candidates);
  if (c !== undefined) return `did you mean '${c}'?`;
  return fallback;
}
