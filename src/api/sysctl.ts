// sysctl of a namespace: net.* keys through a /proc/sys file opened inside it.
import { getSysctl, setSysctl } from '../rtnl/index.js';
import type { Namespace } from './namespace.js';

export class SysctlAccess {
  constructor(private readonly ns: Namespace) {}
  /** The value as the file holds it ("1"). */
  async get(key: string): Promise<string> {
    this.ns.assertOpen('sysctl');
    return getSysctl(key, this.ns.isCurrent ? {} : { netns: this.ns.handle });
  }
  async set(key: string, value: string | number | boolean | ReadonlyArray<string | number>): Promise<void> {
    this.ns.assertOpen('sysctl');
    return setSysctl(key, value, this.ns.isCurrent ? {} : { netns: this.ns.handle });
  }
}
