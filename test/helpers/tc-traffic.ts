// A bounded TCP transfer between two namespaces, measured at the receiver: python3 servers and
// clients run with `ip netns exec`, the receiver reports bytes and the time from its first to
// its last byte. Used to check that shaping shapes (a functional rate check, not a benchmark).
import { spawn, execFileSync } from 'node:child_process';
import { tool } from './tools.js';

const PY = '/usr/bin/python3';

const SERVER = `
import socket, sys, time, json
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2]))); s.listen(1)
print('ready', flush=True)
c, _ = s.accept(); n = 0; first = None; last = None
while True:
    b = c.recv(65536)
    if not b: break
    now = time.monotonic()
    if first is None: first = now; firstlen = len(b)
    last = now; n += len(b)
print(json.dumps({'bytes': n, 'first': firstlen, 'seconds': last - first}), flush=True)
`;

const CLIENT = `
import socket, sys
c = socket.create_connection((sys.argv[1], int(sys.argv[2])))
buf = b'x' * 65536; left = int(sys.argv[3])
while left > 0:
    n = c.send(buf[:min(left, 65536)]); left -= n
c.close()
`;

/** Sends `bytes` from namespace `from` to `to` (listening on addr:port); resolves with the rate in bit/s. */
export async function measureRate(from: string, to: string, addr: string, port: number, bytes: number): Promise<number> {
  const ip = tool('ip');
  const server = spawn(ip, ['netns', 'exec', to, PY, '-c', SERVER, addr, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const done = new Promise<string>((resolve, reject) => {
    server.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    server.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`receiver exited with ${code}: ${out}`))));
  });
  await new Promise<void>((resolve) => { const t = setInterval(() => { if (out.includes('ready')) { clearInterval(t); resolve(); } }, 20); });
  try {
    execFileSync(ip, ['netns', 'exec', from, PY, '-c', CLIENT, addr, String(port), String(bytes)], { stdio: 'inherit', timeout: 60000 });
  } catch (err) {
    server.kill();
    throw err;
  }
  const r = JSON.parse((await done).split('\n').filter((l) => l.startsWith('{'))[0]!) as { bytes: number; first: number; seconds: number };
  if (r.bytes !== bytes) throw new Error(`received ${r.bytes} of ${bytes} bytes`);
  return ((r.bytes - r.first) * 8) / r.seconds;
}
