// What a workload reports: rows of figures (one per tool and command), the targets of issue 8
// with their measured ratios, and the ratios drawn in the chart.
import type { Stats } from './stats.js';
import type { BenchNamespace } from './proc.js';

export type Tool = 'netlinkts' | 'iproute2' | 'nft' | 'conntrack' | 'pyroute2' | 'C' | 'node';

export interface Row {
  /** What ran, as the table shows it ("ip -j -d link show"). */
  subject: string;
  tool: Tool;
  /** The exact command line (whole-process rows). */
  command?: string;
  /** Whole process, seconds (hyperfine, medians). */
  wall?: Stats;
  /** Whole process, mean user + system CPU seconds per run (hyperfine). */
  cpu?: number;
  /** In-process, seconds (performance.now() in a driver, clock_gettime in C). */
  inproc?: Stats;
  /** Peak RSS, KiB (/usr/bin/time %M), median of the probe runs. */
  rssKiB?: number;
  note?: string;
}

export interface Target {
  /** Workload number and letter: "2a". */
  id: string;
  text: string;
  op: '<=' | '>=';
  limit: number;
  unit: 'x' | 'ms' | 'MiB';
  /** Measured value (a ratio, or ms / MiB over the reference). Undefined when not measured. */
  value?: number;
  met?: boolean;
  /** How the value was formed: "0.150 s / 0.030 s". */
  detail?: string;
  /** Why it could not be measured (a missing API, a failure). */
  missing?: string;
}

export interface ChartRatio {
  /** Short label for the chart. */
  label: string;
  value: number;
  /** The target's limit on the same scale, when there is one. */
  limit?: number;
  op?: '<=' | '>=';
}

export interface WorkloadResult {
  id: number;
  title: string;
  fixture: string;
  rows: Row[];
  targets: Target[];
  chart: ChartRatio[];
  /** Other figures worth printing (throughput, RSS series). */
  extra: Record<string, unknown>;
  notes: string[];
  /** Library APIs or tools that were missing, exactly. */
  missing: string[];
  /** Commands as run (for the doc). */
  commands: string[];
  durationS: number;
  error?: string;
}

export interface Context {
  quick: boolean;
  /** Runs for a workload: the full figure, or the quick one under --quick. */
  runs(full: number, quick: number): number;
  pyroute2?: { python: string; version: string };
  /** Compiled C floor (bench/peers/dumpwalk.c). */
  dumpwalk?: string;
  log(msg: string): void;
  /** A fresh namespace for a workload (deleted by the runner afterwards). */
  namespace(suffix: string): BenchNamespace;
}

export function target(t: Omit<Target, 'met'>): Target {
  const met = t.value === undefined || !Number.isFinite(t.value) ? undefined : t.op === '<=' ? t.value <= t.limit : t.value >= t.limit;
  return { ...t, met };
}
