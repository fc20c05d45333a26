// `netns`: add / open / list / delete / current, returning fluent Namespace handles.
import {
  addNamespace, currentNamespace, deleteNamespace, listNamespaces, openNamespace, type NamespaceRef,
} from '../netlink/namespace.js';
import { Namespace } from './namespace.js';
import type { AllNamespaces } from './netns-scan.js';
import type { ScanOptions } from '../netlink/netns-scan/index.js';

export const netns = {
  /** `ip netns add NAME` (iproute2-compatible: `ip netns list` and `ip netns exec` see it). */
  async add(name: string): Promise<Namespace> {
    const handle = await addNamespace(name);
    return new Namespace(handle, name);
  },
  /** Open an existing namespace: a /run/netns name, a path, { pid }, { fd }. */
  async open(ref: NamespaceRef): Promise<Namespace> {
    const handle = openNamespace(ref);
    return new Namespace(handle, handle.name);
  },
  /** The namespace this process runs in. */
  async current(): Promise<Namespace> {
    return new Namespace(currentNamespace(), undefined);
  },
  /** Names in /run/netns, sorted (`ip netns list`). */
  list(): Promise<string[]> {
    return listNamespaces();
  },
  /**
   * Every network namespace on the host, deduplicated by nsfs inode: named ones, nsfs bind
   * mounts anywhere (Docker's, containerd's, CNI's), and those only processes hold, each with
   * its holders (pid, comm, container) and its nsid as seen from here. `.skipped` lists what
   * could not be read (without root). Loaded on first use.
   */
  async all(opts?: ScanOptions): Promise<AllNamespaces> {
    const { allNamespaces } = await import('./netns-scan.js');
    return allNamespaces(opts);
  },
  /** `ip netns delete NAME`. */
  delete(name: string): Promise<void> {
    return deleteNamespace(name);
  },
};
