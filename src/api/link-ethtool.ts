// `ns.link('veth0').ethtool`: the ethtool settings of one link, over the namespace's generic
// netlink socket. Each call is a request of its own (not a chain step): reading offloads or
// channels is a query, and changing them does not order against the link's other steps.
import type { Ethtool, FeatureChange, FeatureState, Setting } from '../genl/ethtool/index.js';

type Values = Readonly<Record<string, unknown>>;

/** One ethtool setting group (rings, channels, coalesce, pause, eee...) of a link. */
export interface EthtoolSetting {
  /** The kernel's reply attributes, by the ethtool spec's names ('rx-max', 'rx-count'...). */
  get(): Promise<Record<string, unknown>>;
  /** Changes the named attributes; what is not given stays. */
  set(values: Values): Promise<void>;
}

export class LinkEthtool {
  constructor(private readonly ethtool: () => Promise<Ethtool>, private readonly dev: string) {}

  /** Offloads (`ethtool -k` / `-K`), by the kernel's feature names or ethtool's group names. */
  get features(): { get(): Promise<Map<string, FeatureState>>; set(changes: Readonly<Record<string, boolean>>): Promise<FeatureChange>; json(): Promise<Record<string, unknown>> } {
    return {
      get: () => this.ethtool().then((e) => e.features(this.dev)),
      set: (changes) => this.ethtool().then((e) => e.setFeatures(this.dev, changes)),
      json: () => this.ethtool().then((e) => e.featuresJson(this.dev)),
    };
  }

  get channels(): EthtoolSetting { return this.setting('channels'); }
  get rings(): EthtoolSetting { return this.setting('rings'); }
  get coalesce(): EthtoolSetting { return this.setting('coalesce'); }
  get pause(): EthtoolSetting { return this.setting('pause'); }
  get eee(): EthtoolSetting { return this.setting('eee'); }

  /** Any other group: linkinfo, linkmodes, linkstate, debug, wol, fec, module, tsinfo. */
  get(what: Setting): Promise<Record<string, unknown>> {
    return this.ethtool().then((e) => e.get(this.dev, what));
  }

  private setting(what: 'channels' | 'rings' | 'coalesce' | 'pause' | 'eee'): EthtoolSetting {
    return {
      get: () => this.ethtool().then((e) => e.get(this.dev, what)),
      set: (values) => this.ethtool().then((e) => e.set(this.dev, what, values)),
    };
  }
}
