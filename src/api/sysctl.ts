// sysctl of a namespace: net.* keys through a /proc/sys file opened inside it.
import { getSysctl, setSysctl } from '../rtnl/index.js';
import type { Namespace } from './namespace.js';

export class SysctlAccess {
  constructor(private readonly ns: Namespace) {}
  /** The value as the file holds it ("1"). */
  get(key: string): Promise<string> {
    return getSysctl(key, this.ns.isCurrent ? {} : { netns: this.ns.handle });
  }
  set(key: string, value: string | number | boolean | ReadonlyArray<string | number>): Promise<void> {
    return setSysctl(key, value, this.ns.isCurrent ? {} : { netns: this.ns.handle });
  }
}
