// Opening a scanned namespace. The scan's paths are only hints by the time they are used: the
// process may have exited, its pid been reused by one in another namespace, a bind mount been
// replaced. So each path is opened, checked to be a network namespace, and kept only if its
// inode is the one the scan saw; a namespace that has gone from every path is just gone.
import { closeSync, constants as fsConstants, openSync } from 'node:fs';
import { assertNetNamespaceFd, NetworkNamespace } from '../namespace.js';
import { NotANamespaceError } from '../errors.js';
import type { ScannedNamespace } from './scan.js';

const GONE = new Set(['ENOENT', 'ESRCH', 'EACCES', 'EPERM']);

/** A handle on the namespace, or undefined when none of its paths leads to it any more. */
export function openScanned(e: Pick<ScannedNamespace, 'dev' | 'ino' | 'paths' | 'names'>): NetworkNamespace | undefined {
  for (const path of e.paths) {
    let fd: number;
    try {
      fd = openSync(path, fsConstants.O_RDONLY);
    } catch (err) {
      if (GONE.has((err as NodeJS.ErrnoException).code ?? '')) continue;
      throw err;
    }
    let ns: NetworkNamespace | undefined;
    try {
      assertNetNamespaceFd(fd, path);
      ns = new NetworkNamespace(fd, e.names[0], path);
    } catch (err) {
      closeSync(fd);
      // A pid reused by a process holding something else in that fd slot.
      if (err instanceof NotANamespaceError) continue;
      throw err;
    }
    if (ns.dev === e.dev && ns.ino === e.ino) return ns;
    ns.close();
  }
  return undefined;
}
