/** The Levenshtein distance between `a` and `b` (insertions, deletions, substitutions), ignoring case. */
export function editDistance(a: string, b: string): number {
  const left = a.toLowerCase()
  const right = b.toLowerCase()
  let previous = Array.from({ length: right.length + 1 }, (_, index) => index)
  for (let i = 1; i <= left.length; i++) {
    const current = [i]
    for (let j = 1; j <= right.length; j++) {
      const substitution = previous[j - 1]! + (left[i - 1] === right[j - 1] ? 0 : 1)
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution))
    }
    previous = current
  }
  return previous[right.length]!
}

/**
 * The candidate `name` was most likely meant to be (a typo, another casing, a name with a word too many), or
 * `undefined` when none is close: within a third of the name's length in edits (at least 2), or one name
 * containing the other.
 */
export function nearestName(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Number.POSITIVE_INFINITY
  for (const candidate of candidates) {
    const distance = editDistance(name, candidate)
    if (distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  if (best === undefined) return undefined
  const lower = name.toLowerCase()
  const contains = lower.includes(best.toLowerCase()) || best.toLowerCase().includes(lower)
  return bestDistance <= Math.max(2, Math.floor(name.length / 3)) || contains ? best : undefined
}

/** "did you mean `x`?" when a candidate is close, else the list of valid names; for an unknown-name message. */
export function suggestName(name: string, candidates: readonly string[]): string {
  const nearest = nearestName(name, candidates)
  if (nearest !== undefined) return `did you mean \`${nearest}\`?`
  return `the known names are ${candidates.map((candidate) => `\`${candidate}\``).join(', ')}`
}
