// `netlinkts monitor conntrack`: connections as they come, change and go, printed as
// `conntrack -E` prints them (--json: one object a line with the NAT view), until interrupted.
import { parseArgs } from 'node:util';
import { Conntrack } from '../../conntrack/client.js';
import { entryJson, formatEntry, formatEvent } from '../../conntrack/format.js';

export async function monitorConntrackCommand(argv: string[], write: (text: string) => void, signal?: AbortSignal): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { netns: { type: 'string' }, json: { type: 'boolean' }, extended: { type: 'boolean' } } });
  const ct = new Conntrack({ netns: values.netns });
  try {
    for await (const ev of ct.events({ signal })) {
      if (ev.type === 'new' || ev.type === 'update' || ev.type === 'destroy') {
        write(values.json ? `${JSON.stringify({ event: ev.type, portid: ev.portId, ...entryJson(ev.entry) })}\n` : `${formatEvent(ev.type, ev.entry, ev.portId, { extended: values.extended })}\n`);
      } else if (ev.type === 'overrun') {
        process.stderr.write('netlinkts: events were lost (ENOBUFS); the table follows as [EXISTING] lines\n');
      } else if (ev.type === 'existing') {
        write(values.json ? `${JSON.stringify({ event: 'existing', ...entryJson(ev.entry) })}\n` : `[EXISTING] ${formatEntry(ev.entry)}\n`);
      }
    }
    return 0;
  } finally {
    ct.close();
  }
}
