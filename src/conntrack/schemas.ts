// Input schemas (zod/v3) for everything that enters the conntrack API: tuples, filters,
// creations and updates. Imported lazily (lazy-schemas.ts) so reading the table never loads
// zod; every check runs before a socket is opened or a byte is sent.
import { z } from 'zod/v3';
import { parseIPv4, parseIPv6 } from '../netlink/address.js';
import { PROTO_NUMBERS } from './entry.js';

const u16 = z.number().int().min(0).max(0xffff);
const u8 = z.number().int().min(0).max(0xff);
const u32 = z.number().int().min(0).max(0xffffffff);
const port = z.number().int().min(0, 'a port is 0..65535').max(0xffff, 'a port is 0..65535');

const address = z.string().refine((s) => parseIPv4(s) !== undefined || parseIPv6(s) !== undefined, (s) => ({ message: `${JSON.stringify(s)} is not an IPv4 or IPv6 address` }));
const family = z.enum(['ipv4', 'ipv6']);
export const proto = z.union([
  z.number().int().min(0).max(255),
  z.string().refine((s) => s in PROTO_NUMBERS, (s) => ({ message: `unknown protocol ${JSON.stringify(s)} (known: ${Object.keys(PROTO_NUMBERS).join(', ')})` })),
]).transform((p) => (typeof p === 'number' ? p : PROTO_NUMBERS[p]!));

const icmp = z.object({ type: u8, code: u8, id: u16 }).strict();

export const tupleInput = z.object({
  src: address, dst: address, proto, sport: port.optional(), dport: port.optional(), icmp: icmp.optional(), zone: u16.optional(),
}).strict().superRefine((t, ctx) => {
  if ((parseIPv4(t.src) === undefined) !== (parseIPv4(t.dst) === undefined)) ctx.addIssue({ code: 'custom', message: 'src and dst must be of the same family', path: ['dst'] });
  if ((t.proto === 6 || t.proto === 17 || t.proto === 132 || t.proto === 136 || t.proto === 33) && (t.sport === undefined || t.dport === undefined)) ctx.addIssue({ code: 'custom', message: 'this protocol needs sport and dport', path: ['sport'] });
  if ((t.proto === 1 || t.proto === 58) && !t.icmp) ctx.addIssue({ code: 'custom', message: 'icmp needs icmp: { type, code, id }', path: ['icmp'] });
});

const partialTuple = z.object({ src: address.optional(), dst: address.optional(), sport: port.optional(), dport: port.optional() }).strict();
const mark = z.union([u32, z.object({ value: u32, mask: u32 }).strict()]);

export const filterInput = z.object({
  family: family.optional(),
  proto: proto.optional(),
  src: address.optional(), dst: address.optional(), sport: port.optional(), dport: port.optional(),
  orig: partialTuple.optional(), reply: partialTuple.optional(),
  mark: mark.optional(), zone: u16.optional(),
  status: z.array(z.string()).optional(),
  nat: z.enum(['snat', 'dnat', 'any']).optional(),
}).strict().superRefine((f, ctx) => {
  const ports = [f.sport, f.dport, f.orig?.sport, f.orig?.dport, f.reply?.sport, f.reply?.dport].some((p) => p !== undefined);
  if (ports && f.proto === undefined) ctx.addIssue({ code: 'custom', message: 'a port filter needs proto', path: ['proto'] });
  const addrs = [f.src, f.dst, f.orig?.src, f.orig?.dst, f.reply?.src, f.reply?.dst].filter((a): a is string => a !== undefined);
  const fams = new Set(addrs.map((a) => (parseIPv4(a) ? 'ipv4' : 'ipv6')));
  if (f.family) fams.add(f.family);
  if (fams.size > 1) ctx.addIssue({ code: 'custom', message: 'addresses and family disagree (IPv4 and IPv6 mixed)', path: ['family'] });
});

export const createInput = z.object({
  orig: tupleInput,
  reply: tupleInput.optional(),
  timeout: u32,
  mark: u32.optional(),
  zone: u16.optional(),
  status: z.array(z.enum(['seen-reply', 'assured'])).optional(),
  tcpState: z.string().optional(),
  labels: z.array(z.number().int().min(0).max(127)).optional(),
}).strict();

export const updateInput = z.object({
  mark: u32.optional(),
  timeout: u32.optional(),
  labels: z.array(z.number().int().min(0).max(127)).optional(),
}).strict();
