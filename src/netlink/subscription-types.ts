// What a subscription deals in: the events it yields (changes, overruns, synced), what a family
// layer hands it (a SubscriptionSource: groups, decoder, dumps) and its options.
import type { NetlinkSocket, NamespaceTarget } from './socket.js';
import type { MessageRef } from './message.js';

export type ChangeType = 'new' | 'changed' | 'deleted';

/** A change to one kernel object. Family layers narrow `kind` and `object`. */
export interface ChangeEvent<K extends string = string, O = unknown> {
  type: ChangeType;
  kind: K;
  object: O;
  /**
   * The namespace the change happened in, as the subscribing socket's namespace numbers it
   * (allNamespaces only). Absent for the socket's own namespace.
   */
  nsid?: number;
  /** Set on objects listed by a dump (listExisting, or a resync), which always come as type 'new'. */
  existing?: true;
}

/** Notifications were lost. Never swallowed: it is always yielded, in order. */
export interface OverrunEvent {
  type: 'overrun';
  /**
   * 'kernel': the socket's receive queue overflowed (ENOBUFS) and the kernel dropped
   * notifications. 'queue': the consumer fell more than maxQueued events behind and the
   * events it had not read yet were discarded.
   */
  source: 'kernel' | 'queue';
  /**
   * A fresh listing follows: 'existing' events for every object, then a 'synced' event.
   * Discard what you knew (or mark it), rebuild from the listing, sweep what was not listed.
   */
  resync: boolean;
}

/** The listing (listExisting or a resync) is complete; what follows are changes. */
export interface SyncedEvent {
  type: 'synced';
  reason: 'initial' | 'resync';
  /** Objects listed ('existing' events) in this round. */
  listed: number;
  /** Changes that arrived while the dumps ran: replayed after the listing... */
  replayed: number;
  /** ...or dropped, because the listing already showed their outcome. */
  dropped: number;
  /** Dumps taken again because the kernel's table changed while they ran (NLM_F_DUMP_INTR). */
  retried: number;
}

export type SubscriptionEvent<E extends ChangeEvent> = E | OverrunEvent | SyncedEvent;

/** What a family decoder makes of one message. */
export interface Decoded<E extends ChangeEvent> {
  event: E;
  /**
   * Identity of the object within its namespace ("link/3"), for de-duplication against a
   * listing and for telling 'new' from 'changed'. Without a key the event is always delivered.
   * A keyed kind must be covered by the dumps (listExisting relies on it).
   */
  key?: string;
  /**
   * The object's state after this event as a comparable string (volatile parts such as
   * statistics left out): equal strings mean the same state. Ignored for 'deleted'.
   */
  state?: string;
  /**
   * The message does not say whether the object is new (RTM_NEWADDR, RTM_NEWNEIGH...): the
   * core makes a type 'new' event 'changed' when it has seen the key (listed or announced)
   * and not seen it deleted since.
   */
  upsert?: boolean;
}

/**
 * Lists current state. `socket` is the subscription's dump socket: in the same namespace as
 * the subscribed one but a socket of its own with a full-size receive buffer, so that a
 * listing neither competes with a flood of notifications for a small buffer nor stalls behind
 * them. Yields the raw messages (or batches of them); the core decodes them with the same
 * decoder as notifications, so listed objects and changes compare exactly.
 */
export type DumpFunction = (socket: NetlinkSocket, signal: AbortSignal) => AsyncIterable<MessageRef | readonly MessageRef[]>;

/** What a family layer supplies. */
export interface SubscriptionSource<E extends ChangeEvent> {
  /** Netlink protocol (NETLINK_ROUTE, NETLINK_NETFILTER). */
  protocol: number;
  /** Multicast groups to join (numbers as in the UAPI headers, e.g. RTNLGRP_LINK = 1). */
  groups: readonly number[];
  /**
   * One message (a notification, or a dump reply) to events; undefined skips it. `nsid` is
   * the sender namespace's id for notifications from other namespaces (allNamespaces).
   * Throwing (malformed bytes) ends the subscription with that error.
   */
  decode(m: MessageRef, nsid: number | undefined): Decoded<E> | readonly Decoded<E>[] | undefined;
  /** The dumps that list current state, for listExisting and resync. */
  dumps?: readonly DumpFunction[];
  /**
   * Runs on the listing socket before any change is handed out (and again before each
   * listing): changes are held back meanwhile and then go out in order. For state the
   * decoder needs, such as interface names.
   */
  prepare?: (socket: NetlinkSocket, signal: AbortSignal) => Promise<void>;
  /** For logs and errors ("rtnetlink monitor"). */
  name?: string;
  /** Strict checking on the socket (default: on for NETLINK_ROUTE). */
  strictChecking?: boolean;
  /** Names message types in logs and errors (RTM_NEWLINK...). */
  typeName?: (type: number) => string | undefined;
}

export interface SubscriptionOptions {
  /** Subscribe inside this namespace: a path, an open fd, or a handle with an fd. */
  netns?: NamespaceTarget | { readonly fd: number };
  /**
   * Also receive changes from every other namespace that has an id (nsid) in this one
   * (NETLINK_LISTEN_ALL_NSID); each such event carries `nsid`. A namespace without an id is
   * not heard: give it one (RTM_NEWNSID, `ip netns set NAME auto`) first.
   */
  allNamespaces?: boolean;
  /**
   * List existing objects first ('existing' events, then 'synced'), then follow changes,
   * with no change lost or repeated in between. Lists the socket's own namespace only.
   */
  listExisting?: boolean;
  /** After an overrun, list everything again (an 'overrun' event with resync: true, 'existing' events, 'synced'). */
  resync?: boolean;
  /** Aborting closes the socket; a pending or later next() rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Receive buffer in bytes (the kernel doubles it). Default 4 MiB, as for any NetlinkSocket. */
  receiveBufferSize?: number;
  /** Events held for a slow consumer before they are discarded and an overrun reported. Default 65536. */
  maxQueued?: number;
  /** Name in logs. */
  name?: string;
}
