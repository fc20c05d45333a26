// ethtool over netlink: offload features, channels, rings, coalescing, pause, EEE, link info.
import { GenlClient, type GenlClientOptions } from '../client.js';
import { featuresJson, getFeatures, setFeatures, type FeatureChange, type FeatureState } from './features.js';
import { getSetting, getStringSet, setSetting, type Setting, SETTINGS } from './settings.js';

export { FEATURE_GROUPS, featuresJson, featuresText, getFeatures, setFeatures, type FeatureChange, type FeatureState } from './features.js';
export { getSetting, setSetting, getStringSet, SETTINGS, type Setting } from './settings.js';
export { ethtoolFamily } from './family.js';

/** ethtool for one namespace: `new Ethtool({ netns: 'ns0' }).features('veth0')`. */
export class Ethtool {
  readonly client: GenlClient;
  private readonly owned: boolean;

  constructor(opts: GenlClientOptions & { client?: GenlClient } = {}) {
    this.owned = !opts.client;
    this.client = opts.client ?? new GenlClient(opts);
  }

  features(dev: string | number): Promise<Map<string, FeatureState>> {
    return getFeatures(this.client, dev);
  }
  setFeatures(dev: string | number, changes: Readonly<Record<string, boolean>>): Promise<FeatureChange> {
    return setFeatures(this.client, dev, changes);
  }
  /** `ethtool --json -k DEV`'s object. */
  async featuresJson(dev: string): Promise<Record<string, unknown>> {
    return featuresJson(dev, await getFeatures(this.client, dev));
  }
  get(dev: string | number, what: Setting): Promise<Record<string, unknown>> {
    return getSetting(this.client, dev, what);
  }
  set(dev: string | number, what: (typeof SETTINGS)[number], values: Readonly<Record<string, unknown>>): Promise<void> {
    return setSetting(this.client, dev, what, values);
  }
  channels(dev: string | number): Promise<Record<string, unknown>> {
    return getSetting(this.client, dev, 'channels');
  }
  setChannels(dev: string | number, values: { 'rx-count'?: number; 'tx-count'?: number; 'combined-count'?: number; 'other-count'?: number }): Promise<void> {
    return setSetting(this.client, dev, 'channels', values);
  }
  stringSet(dev: string | number | undefined, id: number): Promise<string[]> {
    return getStringSet(this.client, dev, id);
  }
  close(): void {
    if (this.owned) this.client.close();
  }
  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
  }
}
