// Small statistics over run samples: medians are what the report quotes.

export interface Stats {
  median: number;
  min: number;
  max: number;
  n: number;
  samples: number[];
}

export function stats(samples: number[]): Stats {
  if (!samples.length) throw new Error('no samples');
  const s = [...samples].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { median, min: s[0]!, max: s[s.length - 1]!, n: s.length, samples };
}

export function median(samples: number[]): number {
  return stats(samples).median;
}

/** Format seconds for tables: "0.123 s" / "12.3 ms" style by magnitude. */
export function fmtSeconds(s: number): string {
  if (s >= 10) return `${s.toFixed(1)} s`;
  if (s >= 1) return `${s.toFixed(2)} s`;
  if (s >= 0.001) return `${(s * 1000).toFixed(s >= 0.1 ? 0 : 1)} ms`;
  return `${(s * 1e6).toFixed(0)} µs`;
}

export function fmtRatio(r: number): string {
  if (!Number.isFinite(r)) return 'n/a';
  if (r >= 100) return `${r.toFixed(0)}x`;
  if (r >= 10) return `${r.toFixed(1)}x`;
  if (r < 0.1) return `${r.toPrecision(2)}x`;
  return `${r.toFixed(2)}x`;
}

export function fmtMiB(kib: number): string {
  return `${(kib / 1024).toFixed(1)} MiB`;
}
