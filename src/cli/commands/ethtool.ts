// `netlinkts ethtool DEV`: a device's offload features as `ethtool -k` prints them (--json as
// `ethtool --json -k`); `--set NAME=on|off ...` changes them first (kernel or group names, as
// `ethtool -K` takes them); `--channels` shows channel counts instead.
import { parseArgs } from 'node:util';
import { ValidationError } from '../../netlink/errors.js';
import { Ethtool, featuresText } from '../../genl/ethtool/index.js';

export const ETHTOOL_USAGE = 'usage: netlinkts ethtool DEV [--set NAME=on|off ...] [--channels] [--json] [--netns NAME]';

export async function ethtoolCommand(argv: string[], write: (text: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { json: { type: 'boolean' }, netns: { type: 'string' }, set: { type: 'string', multiple: true }, channels: { type: 'boolean' } },
    allowPositionals: true,
  });
  const dev = positionals[0];
  if (!dev || positionals.length > 1) throw new ValidationError('DEV', 'name exactly one device');
  const changes: Record<string, boolean> = {};
  for (const s of values.set ?? []) {
    const m = /^([\w.-]+)=(on|off)$/.exec(s);
    if (!m) throw new ValidationError('--set', `${JSON.stringify(s)} is not NAME=on or NAME=off`);
    changes[m[1]!] = m[2] === 'on';
  }
  const e = new Ethtool({ netns: values.netns });
  try {
    if (values.channels) {
      const ch = await e.channels(dev);
      write(values.json ? `${JSON.stringify([{ ifname: dev, ...ch }])}\n` : Object.entries(ch).map(([k, v]) => `${k}: ${String(v)}\n`).join(''));
      return 0;
    }
    let features;
    if (Object.keys(changes).length) {
      const r = await e.setFeatures(dev, changes);
      if (r.notApplied.length) write(`not applied: ${r.notApplied.join(', ')}\n`);
      features = r.features;
    } else {
      features = await e.features(dev);
    }
    write(values.json ? ethtoolJsonText(await e.featuresJson(dev)) : featuresText(dev, features));
    return 0;
  } finally {
    e.close();
  }
}

/** One object in the layout `ethtool --json` writes ("[ {", members indented by 8, "} ]"). */
export function ethtoolJsonText(obj: Record<string, unknown>): string {
  const value = (v: unknown, indent: string): string => {
    if (v === null || typeof v !== 'object') return JSON.stringify(v);
    const inner = `${indent}    `;
    return `{\n${Object.entries(v).map(([k, x]) => `${inner}${JSON.stringify(k)}: ${value(x, inner)}`).join(',\n')}\n${indent}}`;
  };
  const body = Object.entries(obj).map(([k, v]) => `        ${JSON.stringify(k)}: ${value(v, '        ')}`).join(',\n');
  return `[ {\n${body}\n    } ]\n`;
}
