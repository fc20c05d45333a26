// links / addresses / routes / neighbours of a namespace: thin facades that bind the rtnl
// operations to the namespace's socket. Lists are async iterables (constant memory) with
// .collect() for small results.
import {
  addAddress, addNeighbour, addRoute, appendRoute, deleteAddress, deleteLink, deleteLinkGroup, deleteNeighbour, deleteRoute,
  dumpLinks, flushAddresses, getLink, getRoute, iterateRoutes, linkIndex, listAddresses, listLinks, listNeighbours,
  replaceAddress, replaceNeighbour, replaceRoute, findLink, addRoutes, replaceRoutes, deleteRoutes, createLinks,
  addAddresses, replaceAddresses, type AddressBulkFailure, type AddressBulkOptions,
  type LinkBulkFailure, type LinkBulkOptions, type LinkSpec, type RouteBulkFailure, type RouteBulkOptions,
  type Address, type AddressSpec, type Link, type LinkSelector, type ListAddressesOptions, type ListLinksOptions,
  type ListNeighboursOptions, type ListRoutesOptions, type Neighbour, type NeighbourSpec, type Route, type RouteQuery,
  type RouteSpec,
} from '../rtnl/index.js';
import type { Namespace } from './namespace.js';

/** An async iterable that can also be collected into an array. */
export class Listing<T> implements AsyncIterable<T> {
  constructor(private readonly source: () => AsyncIterable<T>) {}
  [Symbol.asyncIterator](): AsyncIterator<T> {
    return this.source()[Symbol.asyncIterator]();
  }
  async collect(): Promise<T[]> {
    const out: T[] = [];
    for await (const x of this.source()) out.push(x);
    return out;
  }
}

async function* fromArray<T>(p: Promise<T[]>): AsyncGenerator<T> {
  yield* await p;
}

export class LinkCollection {
  constructor(private readonly ns: Namespace) {}

  /**
   * Links, filtered by the kernel (`{ kind: 'veth' }`, `{ master: 'br0' }`). With names
   * resolved (master, link) the list is read whole first; `{ resolveNames: false }` streams.
   */
  list(opts: ListLinksOptions = {}): Listing<Link> {
    if (opts.resolveNames === false && (opts.master === undefined || typeof opts.master === 'number')) {
      const { resolveNames: _r, master, ...rest } = opts;
      return new Listing(() => dumpLinks(this.ns.rtnl, { ...rest, master: master as number | undefined }));
    }
    return new Listing(() => fromArray(listLinks(this.ns.rtnl, opts)));
  }
  get(ref: LinkSelector): Promise<Link> { return getLink(this.ns.rtnl, ref); }
  find(ref: LinkSelector): Promise<Link | undefined> { return findLink(this.ns.rtnl, ref); }
  index(ref: LinkSelector): Promise<number> { return linkIndex(this.ns.rtnl, ref); }
  delete(ref: LinkSelector): Promise<void> { return deleteLink(this.ns.rtnl, ref); }
  /**
   * Create many links in few syscalls (hundreds of requests per sendmsg; see rtnl createLinks).
   * Resolves with the ones that failed, each with its index and error; nothing is read back.
   */
  createMany(specs: readonly LinkSpec[], opts: LinkBulkOptions = {}): Promise<LinkBulkFailure[]> { return createLinks(this.ns.rtnl, specs, opts); }
  /** Delete every link of a group in one request (`ip link del group N`): the kernel's bulk path. */
  deleteGroup(group: number): Promise<void> { return deleteLinkGroup(this.ns.rtnl, group); }
}

export class AddressCollection {
  constructor(private readonly ns: Namespace) {}
  list(opts: ListAddressesOptions = {}): Listing<Address> { return new Listing(() => fromArray(listAddresses(this.ns.rtnl, opts))); }
  add(spec: AddressSpec): Promise<void> { return addAddress(this.ns.rtnl, spec); }
  replace(spec: AddressSpec): Promise<void> { return replaceAddress(this.ns.rtnl, spec); }
  /** Add many addresses in few syscalls (see rtnl addAddresses): failures per entry, bad input refused first. */
  addMany(specs: readonly AddressSpec[], opts: AddressBulkOptions = {}): Promise<AddressBulkFailure[]> { return addAddresses(this.ns.rtnl, specs, opts); }
  replaceMany(specs: readonly AddressSpec[], opts: AddressBulkOptions = {}): Promise<AddressBulkFailure[]> { return replaceAddresses(this.ns.rtnl, specs, opts); }
  delete(spec: { dev: LinkSelector; address: string; peer?: string }): Promise<void> { return deleteAddress(this.ns.rtnl, spec); }
  flush(opts: { dev: LinkSelector; family?: 4 | 6 }): Promise<number> { return flushAddresses(this.ns.rtnl, opts); }
}

export class RouteCollection {
  constructor(private readonly ns: Namespace) {}
  /** Routes (table main unless `table` says otherwise), streamed. */
  list(opts: ListRoutesOptions = {}): Listing<Route> { return new Listing(() => iterateRoutes(this.ns.rtnl, opts)); }
  add(spec: RouteSpec): Promise<void> { return addRoute(this.ns.rtnl, spec); }
  replace(spec: RouteSpec): Promise<void> { return replaceRoute(this.ns.rtnl, spec); }
  append(spec: RouteSpec): Promise<void> { return appendRoute(this.ns.rtnl, spec); }
  delete(spec: RouteSpec): Promise<void> { return deleteRoute(this.ns.rtnl, spec); }
  /**
   * Add many routes in few syscalls (see rtnl addRoutes): bad input refuses the whole call
   * before anything is sent; kernel refusals come back per route, with index and error.
   */
  addMany(specs: readonly RouteSpec[], opts: RouteBulkOptions = {}): Promise<RouteBulkFailure[]> { return addRoutes(this.ns.rtnl, specs, opts); }
  replaceMany(specs: readonly RouteSpec[], opts: RouteBulkOptions = {}): Promise<RouteBulkFailure[]> { return replaceRoutes(this.ns.rtnl, specs, opts); }
  deleteMany(specs: readonly RouteSpec[], opts: RouteBulkOptions = {}): Promise<RouteBulkFailure[]> { return deleteRoutes(this.ns.rtnl, specs, opts); }
  /** `ip route get TO`: the route the kernel would use (ENETUNREACH when there is none). */
  get(query: RouteQuery | string): Promise<Route> { return getRoute(this.ns.rtnl, typeof query === 'string' ? { to: query } : query); }
}

export class NeighbourCollection {
  constructor(private readonly ns: Namespace) {}
  list(opts: ListNeighboursOptions = {}): Listing<Neighbour> { return new Listing(() => fromArray(listNeighbours(this.ns.rtnl, opts))); }
  add(spec: NeighbourSpec): Promise<void> { return addNeighbour(this.ns.rtnl, spec); }
  replace(spec: NeighbourSpec): Promise<void> { return replaceNeighbour(this.ns.rtnl, spec); }
  delete(spec: { dev: LinkSelector; to: string; proxy?: boolean }): Promise<void> { return deleteNeighbour(this.ns.rtnl, spec); }
}
