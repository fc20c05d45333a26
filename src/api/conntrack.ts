// `ns.conntrack`: the namespace's connection-tracking table. The ctnetlink client (and its
// table) loads on first use, so programs that never look at connections do not pay for it.
import type { Conntrack, ConntrackFilter, CreateInput, TupleInput, UpdateInput } from '../conntrack/client.js';
import type { ConntrackEntry, ConntrackExpectation } from '../conntrack/entry.js';
import type { ConntrackEvent, EventOptions } from '../conntrack/events.js';
import type { CpuStats } from '../conntrack/format.js';

export class ConntrackAccess {
  private client: Conntrack | undefined;

  constructor(private readonly netns: () => number | undefined) {}

  /** The client itself (one socket per namespace handle). */
  async open(): Promise<Conntrack> {
    if (!this.client || this.client.socket.isClosed) {
      const { Conntrack } = await import('../conntrack/client.js');
      const fd = this.netns();
      if (!this.client || this.client.socket.isClosed) this.client = new Conntrack(fd === undefined ? {} : { netns: fd });
    }
    return this.client;
  }

  async *list(filter?: ConntrackFilter): AsyncGenerator<ConntrackEntry, void, undefined> { yield* (await this.open()).list(filter); }
  async get(tuple: TupleInput): Promise<ConntrackEntry> { return (await this.open()).get(tuple); }
  async create(entry: CreateInput): Promise<void> { return (await this.open()).create(entry); }
  async update(tuple: TupleInput, changes: UpdateInput): Promise<void> { return (await this.open()).update(tuple, changes); }
  async delete(what: TupleInput | ConntrackFilter): Promise<number> { return (await this.open()).delete(what); }
  async flush(opts?: { family?: 'ipv4' | 'ipv6'; zone?: number }): Promise<number> { return (await this.open()).flush(opts); }
  async count(): Promise<number> { return (await this.open()).count(); }
  async stats(): Promise<CpuStats[]> { return (await this.open()).stats(); }
  async *expectations(): AsyncGenerator<ConntrackExpectation, void, undefined> { yield* (await this.open()).expectations(); }
  async *events(opts?: EventOptions): AsyncGenerator<ConntrackEvent, void, undefined> { yield* (await this.open()).events(opts); }

  close(): void {
    this.client?.close();
  }
}
