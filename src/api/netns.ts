// `netns`: add / open / list / delete / current, returning fluent Namespace handles.
import {
  addNamespace, currentNamespace, deleteNamespace, listNamespaces, openNamespace, type NamespaceRef,
} from '../netlink/namespace.js';
import { Namespace } from './namespace.js';

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
  /** `ip netns delete NAME`. */
  delete(name: string): Promise<void> {
    return deleteNamespace(name);
  },
};
