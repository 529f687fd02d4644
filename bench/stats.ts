// Summaries of benchmark samples, shared by every benchmark.

const ascending = (values: readonly number[]) => [...values].sort((a, b) => a - b);

export function median(values: readonly number[]): number {
  const sorted = ascending(values);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Nearest-rank percentile (`p` from 0 to 100). */
export function percentile(values: readonly number[], p: number): number {
  return ascending(values)[Math.max(0, Math.ceil((values.length * p) / 100) - 1)] as number;
}
