// Every network namespace this process can see: the named ones (/run/netns), nsfs bind mounts
// anywhere (mountinfo), and those only processes hold, by their /proc/PID/ns/net or by an open
// fd (/proc/PID/fd/N reading back "net:[INODE]"). Deduplicated by the nsfs device and inode,
// as `ip netns identify` compares them, so no namespace is listed, or entered, twice.
//
// Everything here races with the system: a process exits between readdir and stat, a mount
// goes away, a pid is reused. A path that vanished (ENOENT, ESRCH) is skipped silently — it no
// longer holds anything; one this process may not read (EACCES, EPERM: another user's process
// without root) is skipped and reported in `skipped`, so a caller can say what it could not see.
// Only the file system is read: ids (RTM_GETNSID) and handles are added by the layers above.
import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { NETNS_RUN_DIR } from '../namespace.js';
import { containerFromCgroup, type ContainerRef } from './cgroup.js';
import { parseNsfsMounts } from './mountinfo.js';

export interface NamespaceHolder {
  pid: number;
  /** /proc/PID/comm ('' when unreadable). */
  comm: string;
  /** 'ns': the process runs in it; 'fd N': it only keeps it open as fd N. */
  via: string;
  /** The container the process belongs to, read from its cgroup path. */
  container?: ContainerRef;
}

export interface ScannedNamespace {
  /** "dev:ino" of the nsfs inode, as NetworkNamespace.id. */
  id: string;
  dev: number;
  ino: number;
  /** The namespace the scanning thread is in. */
  current: boolean;
  /** Its `ip netns` names (entries of /run/netns bound to it). */
  names: string[];
  /** Every nsfs bind mount of it, /run/netns ones included, sorted. */
  mounts: string[];
  /** Processes in it or holding it open, by pid. */
  holders: NamespaceHolder[];
  /** The first container among the holders, if any. */
  container?: ContainerRef;
  /** The best name to show: ip netns name > bind-mount path > `container <id>` > `pid <n> (<comm>)`. */
  label: string;
  /** Paths that open it now, best first (mounts, then /proc/PID/ns/net, then /proc/PID/fd/N). */
  paths: string[];
}

export interface SkippedPath {
  path: string;
  /** errno name (EACCES, EPERM...). */
  code: string;
}

export interface ScanResult {
  namespaces: ScannedNamespace[];
  /** What could not be read (permissions), as opposed to what vanished mid-scan. */
  skipped: SkippedPath[];
}

export interface ScanOptions {
  /** procfs mount (default /proc). */
  proc?: string;
  /** Named namespaces' directory (default /run/netns). */
  runDir?: string;
  /** Also look through processes' open fds (default true; costs a readlink per fd). */
  fds?: boolean;
}

/** Errors that mean "it went away while we looked": not worth a word. */
const VANISHED = new Set(['ENOENT', 'ESRCH', 'ENOTDIR']);
/** Errors that mean "not allowed to look": reported. */
const DENIED = new Set(['EACCES', 'EPERM']);

class Collector {
  readonly byId = new Map<string, ScannedNamespace>();
  readonly skipped: SkippedPath[] = [];

  constructor(readonly current: string) {}

  /** stat(path) following the nsfs link; undefined when it vanished or was denied (recorded). */
  identity(path: string): { dev: number; ino: number } | undefined {
    try {
      const st = statSync(path);
      return { dev: st.dev, ino: st.ino };
    } catch (err) {
      this.fail(path, err);
      return undefined;
    }
  }

  fail(path: string, err: unknown): void {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (VANISHED.has(code)) return;
    if (DENIED.has(code)) {
      this.skipped.push({ path, code });
      return;
    }
    throw err;
  }

  entry(dev: number, ino: number): ScannedNamespace {
    const id = `${dev}:${ino}`;
    let e = this.byId.get(id);
    if (!e) {
      e = { id, dev, ino, current: id === this.current, names: [], mounts: [], holders: [], label: '', paths: [] };
      this.byId.set(id, e);
    }
    return e;
  }
}

function readText(c: Collector, path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    c.fail(path, err);
    return undefined;
  }
}

function numericDirs(c: Collector, dir: string): number[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    c.fail(dir, err);
    return [];
  }
  const out: number[] = [];
  for (const n of names) if (/^\d+$/.test(n)) out.push(Number(n));
  return out.sort((a, b) => a - b);
}

/** Scan the system for network namespaces (synchronous: a few syscalls per process). */
export function scanNamespaces(opts: ScanOptions = {}): ScanResult {
  const proc = opts.proc ?? '/proc';
  const runDir = opts.runDir ?? NETNS_RUN_DIR;
  const self = statSync(`${proc}/thread-self/ns/net`);
  const c = new Collector(`${self.dev}:${self.ino}`);
  c.entry(self.dev, self.ino);

  // Bind mounts (ip netns names among them). mountinfo lists shadowed mounts too: the stat of
  // the path decides what it is now, and a path whose inode is not the mount's is not it.
  const mountinfo = readText(c, `${proc}/self/mountinfo`) ?? '';
  const seenPaths = new Set<string>();
  for (const m of parseNsfsMounts(mountinfo)) {
    if (seenPaths.has(m.path)) continue;
    seenPaths.add(m.path);
    const id = c.identity(m.path);
    if (!id || id.ino !== m.ino) continue;
    const e = c.entry(id.dev, id.ino);
    e.mounts.push(m.path);
    const base = m.path.slice(runDir.length + 1);
    if (m.path.startsWith(`${runDir}/`) && !base.includes('/')) e.names.push(base);
  }

  // Processes: the namespace each runs in, and the namespace fds each keeps open.
  for (const pid of numericDirs(c, proc)) {
    const base = `${proc}/${pid}`;
    const held: Array<{ e: ScannedNamespace; via: string; path: string }> = [];
    const nsPath = `${base}/ns/net`;
    const id = c.identity(nsPath);
    if (id) held.push({ e: c.entry(id.dev, id.ino), via: 'ns', path: nsPath });
    if (opts.fds !== false) {
      let fds: string[] = [];
      try {
        fds = readdirSync(`${base}/fd`);
      } catch (err) {
        c.fail(`${base}/fd`, err);
      }
      for (const fd of fds) {
        const p = `${base}/fd/${fd}`;
        let target: string;
        try {
          target = readlinkSync(p);
        } catch (err) {
          c.fail(p, err);
          continue;
        }
        if (!target.startsWith('net:[')) continue;
        const fid = c.identity(p);
        if (fid) held.push({ e: c.entry(fid.dev, fid.ino), via: `fd ${fd}`, path: p });
      }
    }
    if (!held.length) continue;
    // comm and cgroup only for processes that matter, and read once.
    const comm = (readText(c, `${base}/comm`) ?? '').trim();
    // A container id only matters for a namespace other than ours (a host's hundreds of
    // processes in the current one would cost a read each for nothing).
    const cg = held.some((h) => !h.e.current) ? readText(c, `${base}/cgroup`) : undefined;
    const container = cg ? containerFromCgroup(cg) : undefined;
    const seen = new Set<ScannedNamespace>();
    for (const h of held) {
      h.e.paths.push(h.path);
      // A process listed once per namespace: its own ns, else its first fd of it.
      if (seen.has(h.e)) continue;
      seen.add(h.e);
      h.e.holders.push(container ? { pid, comm, via: h.via, container } : { pid, comm, via: h.via });
    }
  }

  const namespaces = [...c.byId.values()];
  for (const e of namespaces) {
    e.mounts.sort();
    e.names.sort();
    e.container = e.holders.find((h) => h.container)?.container;
    e.paths = [...e.mounts, ...e.paths.filter((p) => p.endsWith('/ns/net')), ...e.paths.filter((p) => !p.endsWith('/ns/net'))];
    if (e.current && !e.paths.length) e.paths.push(`${proc}/thread-self/ns/net`);
    e.label = labelOf(e);
  }
  // The current namespace first, then named ones, bind mounts, containers, processes.
  namespaces.sort((a, b) => rank(a) - rank(b) || a.label.localeCompare(b.label));
  return { namespaces, skipped: c.skipped };
}

function rank(e: ScannedNamespace): number {
  return e.current ? 0 : e.names.length ? 1 : e.mounts.length ? 2 : e.container ? 3 : 4;
}

/** ip netns name > bind-mount path > `container <id>` > `pid <n> (<comm>)`. */
export function labelOf(e: Pick<ScannedNamespace, 'names' | 'mounts' | 'container' | 'holders' | 'id'>): string {
  if (e.names.length) return e.names[0]!;
  if (e.mounts.length) return e.mounts[0]!;
  if (e.container) return `container ${e.container.id.slice(0, 12)}`;
  const h = e.holders[0];
  if (h) return `pid ${h.pid}${h.comm ? ` (${h.comm})` : ''}`;
  return `nsfs ${e.id}`;
}
