// Measure a set of commands the same way: probe runs first (peak RSS, the driver's JSON, and
// proof the command works), then hyperfine over those that worked, all in one namespace.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCRATCH, hyperfine, probe, shellJoin, type BenchNamespace } from './proc.js';
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
  /**
   * Split each subject's runs into this many rounds, the subjects taking turns (round 1 of
   * every subject, then round 2...), so a load that comes and goes on the machine touches them
   * alike. rounds = runs interleaves run by run. Default 1.
   */
  rounds?: number;
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
  // hyperfine one subject at a time, so each subject's drivers report to a file of its own:
  // the in-process figures then come from the very runs hyperfine timed (warmups skipped).
  const timedOutputs = new Map<string, unknown[]>();
  const timed = ok.filter((x) => x.wall !== false);
  const rounds = Math.max(1, o.rounds ?? 1);
  const acc = new Map<string, { times: number[]; cpu: number[] }>();
  for (let round = 0; round < rounds; round++) {
    for (const s of timed) {
      const total = s.runs ?? o.runs;
      // Runs of this round: spread total over the rounds (the first rounds take the remainder).
      const runs = Math.floor(total / rounds) + (round < total % rounds ? 1 : 0);
      if (runs === 0) continue;
      // Warm-up runs (page cache, a binary's first exec) open a subject's first round; with a
      // few long rounds, every round gets one (it may follow minutes of other work); with many
      // short ones (one run a subject per round) the turns follow each other closely and a
      // warm-up per round would double the work for nothing.
      const warmup = total >= 3 ? (round === 0 ? o.warmup : rounds >= 10 ? 0 : 1) : 0;
      const outFile = s.json ? join(SCRATCH, `inproc-${Date.now()}-${Math.random().toString(36).slice(2)}.jsonl`) : undefined;
      ctx.log(`hyperfine (${runs} runs${rounds > 1 ? `, round ${round + 1}/${rounds}` : ''}): ${s.subject}`);
      const [r] = hyperfine(ns, [{ name: s.subject, argv: s.argv }], { runs, warmup, prepare: o.prepare, outFile });
      const a = acc.get(s.subject) ?? { times: [], cpu: [] };
      a.times.push(...r!.wall.samples);
      a.cpu.push(r!.cpu);
      acc.set(s.subject, a);
      if (outFile && existsSync(outFile)) {
        const lines = readFileSync(outFile, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as unknown);
        timedOutputs.set(s.subject, [...(timedOutputs.get(s.subject) ?? []), ...lines.slice(-runs)]);
      }
    }
  }
  for (const [subject, a] of acc) {
    const row = rows.find((x) => x.subject === subject)!;
    row.wall = stats(a.times);
    row.cpu = a.cpu.reduce((x, y) => x + y, 0) / a.cpu.length;
  }
  for (const s of ok) {
    if (!s.json) continue;
    const row = rows.find((x) => x.subject === s.subject)!;
    const timed = timedOutputs.get(s.subject);
    row.inproc = coldSeconds(timed?.length ? timed : outputs.get(s.subject) ?? []);
    if (timed?.length) outputs.set(s.subject, [...(outputs.get(s.subject) ?? []), ...timed]);
  }
  return { rows, outputs, missing, commands };
}
