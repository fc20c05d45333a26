// Measure a set of commands the same way: probe runs first (peak RSS, the driver's JSON, and
// proof the command works), then hyperfine over those that worked, all in one namespace.
import { hyperfine, probe, shellJoin, type BenchNamespace } from './proc.js';
import { stats, type Stats } from './stats.js';
import type { Context, Row, Tool } from './types.js';

export interface Subject {
  subject: string;
  tool: Tool;
  argv: string[];
  /** Prints a JSON line of in-process figures (a driver, or the C floor). */
  json?: boolean;
  /** Runs under hyperfine (default: the set's). */
  runs?: number;
  probeRuns?: number;
  /** Timed by hyperfine (default true). */
  wall?: boolean;
  /** Probe runs for RSS and in-process figures (default true; false for slow peers timed only). */
  probe?: boolean;
  note?: string;
}

export interface Measured {
  rows: Row[];
  /** Driver outputs by subject name. */
  outputs: Map<string, unknown[]>;
  /** Missing APIs reported by drivers ({"missing": ...}), by subject. */
  missing: Map<string, string>;
  commands: string[];
}

export interface MeasureOptions {
  runs: number;
  warmup: number;
  probeRuns: number;
  /** argv run before every timed run and every probe (reset state), untimed. */
  prepare?: string[];
}

/** In-process seconds from driver outputs: field `ms` (a number, or an array whose first entry is the cold run). */
export function coldSeconds(outputs: unknown[], field = 'ms'): Stats | undefined {
  const v: number[] = [];
  for (const o of outputs) {
    const x = (o as Record<string, unknown>)[field];
    if (typeof x === 'number') v.push(x / 1000);
    else if (Array.isArray(x) && typeof x[0] === 'number') v.push(x[0] / 1000);
  }
  return v.length ? stats(v) : undefined;
}

export function measure(ctx: Context, ns: BenchNamespace, subjects: Subject[], o: MeasureOptions): Measured {
  const rows: Row[] = [];
  const outputs = new Map<string, unknown[]>();
  const missing = new Map<string, string>();
  const commands: string[] = [];
  const ok: Subject[] = [];
  for (const s of subjects) {
    commands.push(shellJoin(s.argv));
    if (s.probe === false) {
      rows.push({ subject: s.subject, tool: s.tool, command: shellJoin(s.argv), note: s.note });
      ok.push(s);
      continue;
    }
    ctx.log(`probe ${s.subject}`);
    try {
      const p = probe(ns, s.argv, { runs: s.probeRuns ?? o.probeRuns, prepare: o.prepare, json: s.json });
      outputs.set(s.subject, p.outputs);
      rows.push({ subject: s.subject, tool: s.tool, command: shellJoin(s.argv), rssKiB: p.rssKiB.median, note: s.note });
      ok.push(s);
    } catch (err) {
      const e = err as Error & { detail?: string; stdout?: string };
      const msg = e.detail ?? e.message;
      const m = /\{"missing":\s*"([^"]*)"\}/.exec(`${e.stdout ?? ''} ${e.message}`);
      if (m) {
        missing.set(s.subject, m[1]!);
        ctx.log(`  missing API: ${m[1]}`);
        rows.push({ subject: s.subject, tool: s.tool, command: shellJoin(s.argv), note: `not measured: missing ${m[1]}` });
      } else {
        ctx.log(`  failed: ${msg.slice(0, 500)}`);
        rows.push({ subject: s.subject, tool: s.tool, command: shellJoin(s.argv), note: `failed: ${msg.slice(0, 300)}` });
      }
    }
  }
  // hyperfine per distinct run count, so slow peers can take fewer runs.
  const timed = ok.filter((s) => s.wall !== false);
  const groups = new Map<number, Subject[]>();
  for (const s of timed) {
    const n = s.runs ?? o.runs;
    groups.set(n, [...(groups.get(n) ?? []), s]);
  }
  for (const [runs, group] of groups) {
    ctx.log(`hyperfine (${runs} runs): ${group.map((s) => s.subject).join(' | ')}`);
    const res = hyperfine(ns, group.map((s) => ({ name: s.subject, argv: s.argv })), {
      runs, warmup: runs >= 3 ? o.warmup : 0, prepare: o.prepare,
    });
    for (const r of res) {
      const row = rows.find((x) => x.subject === r.name)!;
      row.wall = r.wall;
      row.cpu = r.cpu;
    }
  }
  for (const s of ok) {
    if (!s.json) continue;
    const row = rows.find((x) => x.subject === s.subject)!;
    row.inproc = coldSeconds(outputs.get(s.subject) ?? []);
  }
  return { rows, outputs, missing, commands };
}
