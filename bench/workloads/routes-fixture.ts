// Route fixtures shared by workloads 2, 4 and 6: a veth pair up (routes need a device that is
// up), and tables filled with `ip -batch` (10.a.b.c/32 dev vr0, as bench/drivers/routes.mjs).
import type { BenchNamespace } from '../lib/proc.js';
import { scratchFile } from '../lib/proc.js';

export function routeDst(i: number): string {
  return `10.${Math.floor(i / 62500)}.${Math.floor(i / 250) % 250}.${i % 250}`;
}

export const DEV = 'vr0';

/** Shell text that (re)creates the device the routes go through; deleting it drops its routes. */
export const DEVICE_SETUP = `ip link add ${DEV} type veth peer name vr1 && ip link set ${DEV} up && ip link set vr1 up`;

export function setupDevice(ns: BenchNamespace): void {
  ns.exec(['bash', '-c', DEVICE_SETUP]);
}

/** An ip -batch file adding routes [0, count) to a table. */
export function routeBatchFile(count: number, table: number): string {
  const lines: string[] = new Array(count);
  for (let i = 0; i < count; i++) lines[i] = `route add ${routeDst(i)}/32 dev ${DEV} table ${table}`;
  return scratchFile(`routes-${count}-t${table}.txt`, lines.join('\n') + '\n');
}

export function fillTable(ns: BenchNamespace, count: number, table: number): void {
  ns.exec(['ip', '-batch', routeBatchFile(count, table)], { timeoutMs: 600_000 });
  const n = ns.exec(['ip', 'route', 'show', 'table', String(table)]).trim().split('\n').length;
  if (n !== count) throw new Error(`fixture: table ${table} has ${n} routes, expected ${count}`);
}
