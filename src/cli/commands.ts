// The commands of `netlinkts`: names, options and help text. Only data: main.cts loads a
// command's implementation (commands/*.ts) after the arguments parsed, and only that one.

export interface OptionSpec {
  name: string;
  /** Placeholder of the value, for options that take one. */
  value?: string;
  help: string;
}

export interface CommandSpec {
  name: string;
  summary: string;
  usage: string;
  options: OptionSpec[];
  positionals?: { min: number; max: number; names: string };
  /** Options that exclude each other. */
  exclusive?: string[][];
  /** More text after the options. */
  details?: string;
  /**
   * The command parses its own arguments (node:util parseArgs in its module): it gets the
   * words after its name untouched, and `usage` with `details` is its help.
   */
  passthrough?: true;
}

const HELP: OptionSpec = { name: 'help', help: 'show this help' };
const NETNS: OptionSpec = { name: 'netns', value: 'NAME', help: 'look inside the named namespace (/run/netns/NAME, as `ip netns`) or a path such as /proc/PID/ns/net' };
const ALL_NETNS: OptionSpec = { name: 'all-netns', help: 'every network namespace on the host: named, bind-mounted (Docker, containerd, CNI), held only by processes' };
const JSON_OPT: OptionSpec = { name: 'json', help: 'one JSON array, with the field names and value formats of `ip -j -d`' };
const RAW: OptionSpec = { name: 'raw', help: 'the decoded attribute tree of each message: type numbers and names, lengths, hex of unknown attributes' };
const HEX: OptionSpec = { name: 'hex', help: 'hex dumps of the messages as the kernel sent them' };
const DUMP_COMMON = [NETNS, ALL_NETNS, JSON_OPT, RAW, HEX];
const DUMP_EXCLUSIVE = [['netns', 'all-netns'], ['raw', 'hex']];

const OUTPUT_NOTE = `With --raw or --hex, --json prints the same as JSON.
Exit status: 0 success, 1 runtime error, 2 usage error.`;

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'dump-links',
    summary: 'list network interfaces (like `ip -d link show`)',
    usage: 'netlinkts dump-links [--netns NAME | --all-netns] [--type KIND] [--master NAME] [--json | --raw | --hex]',
    options: [
      ...DUMP_COMMON,
      { name: 'type', value: 'KIND', help: 'only links of this kind (veth, bridge, vxlan...), filtered by the kernel' },
      { name: 'master', value: 'NAME', help: 'only ports of this master (a bridge, bond or vrf), filtered by the kernel' },
    ],
    exclusive: DUMP_EXCLUSIVE,
    details: `--json adds "netns" (the namespace a link lives in; null for the current one) and, for
veths whose peer is visible, "peer_ifname" and "peer_netns". With --all-netns (every namespace
on the host, see \`netns list --all\`) this shows which veth belongs to which namespace or
container: "peer_netns" is the best name (ip netns name, bind-mount path, container, pid), with
"peer_netns_path", "peer_container" and "peer_netns_holders"; links elsewhere get "netns_path"
and "netns_container".
${OUTPUT_NOTE}`,
  },
  {
    name: 'dump-addrs',
    summary: 'list addresses (like `ip addr show`)',
    usage: 'netlinkts dump-addrs [--netns NAME | --all-netns] [--dev NAME] [--family inet|inet6] [--json | --raw | --hex]',
    options: [
      ...DUMP_COMMON,
      { name: 'dev', value: 'NAME', help: 'only addresses of this link' },
      { name: 'family', value: 'FAMILY', help: 'inet or inet6 (also -4/-6 style: 4, 6)' },
    ],
    exclusive: DUMP_EXCLUSIVE,
    details: OUTPUT_NOTE,
  },
  {
    name: 'dump-routes',
    summary: 'list routes (like `ip route show`)',
    usage: 'netlinkts dump-routes [--netns NAME | --all-netns] [--table N|main|local|all] [--family inet|inet6] [--json | --raw | --hex]',
    options: [
      ...DUMP_COMMON,
      { name: 'table', value: 'N|all', help: 'routing table: a number, main, local, default, or all (default: main)' },
      { name: 'family', value: 'FAMILY', help: 'inet (default, as ip) or inet6' },
    ],
    exclusive: DUMP_EXCLUSIVE,
    details: `The dump streams: output is written as routes arrive, in constant memory.
${OUTPUT_NOTE}`,
  },
  {
    name: 'dump-neigh',
    summary: 'list neighbour (ARP/NDP) entries (like `ip neigh show`)',
    usage: 'netlinkts dump-neigh [--netns NAME | --all-netns] [--dev NAME] [--family inet|inet6] [--json | --raw | --hex]',
    options: [
      ...DUMP_COMMON,
      { name: 'dev', value: 'NAME', help: 'only entries of this link (filtered by the kernel)' },
      { name: 'family', value: 'FAMILY', help: 'inet or inet6' },
    ],
    exclusive: DUMP_EXCLUSIVE,
    details: OUTPUT_NOTE,
  },
  {
    name: 'dump-nft',
    summary: 'list the nftables ruleset (like `nft list ruleset`)',
    usage: 'netlinkts dump-nft [--netns NAME | --all-netns] [--handles] [--json | --raw | --hex]',
    options: [...DUMP_COMMON, { name: 'handles', help: 'print handles as `nft -a list ruleset` does' }],
    exclusive: DUMP_EXCLUSIVE,
    details: OUTPUT_NOTE,
  },
  {
    name: 'netns',
    summary: 'named network namespaces: `netns list`; every one on the host: `netns list --all`',
    usage: 'netlinkts netns list [--all] [--json]',
    options: [
      { name: 'json', help: 'JSON as `ip -j netns list`: [{"name": ..., "id": ...}]' },
      { name: 'all', help: 'every network namespace on the host (like `lsns -t net`): named, bind-mounted (Docker, containerd, CNI), held by processes' },
    ],
    positionals: { min: 1, max: 1, names: 'subcommand (list)' },
    details: `Lists the namespaces under /run/netns (the set \`ip netns\` manages) with their ids as seen
from the current namespace ("id" is left out when none is assigned, as ip does).
With --all: every network namespace, one per nsfs inode, with its best name (ip netns name,
else bind-mount path, else container id, else pid and command), its bind mounts, the processes
in it or holding it open (pid, comm, container id from the cgroup path) and its id; --json adds
"ino", "dev", "current", "mounts", "holders", "container". What could not be read without root
is said on stderr.`,
  },
  {
    name: 'monitor',
    summary: 'print link/address/route/neighbour events as they happen, until interrupted',
    usage: `netlinkts monitor [--netns NAME] [--json] [link] [address] [route] [neigh] [rule] [nexthop] [fdb]
       netlinkts monitor genl FAMILY[:GROUP]... [--netns NAME]
       netlinkts monitor conntrack [--netns NAME] [--json] [--extended]
       netlinkts monitor tc [--netns NAME] [--json]`,
    options: [
      NETNS,
      { name: 'json', help: 'one JSON object a line: {"event": "newlink", ...the object as dump-* --json prints it}' },
      { name: 'raw', help: 'the attribute tree of each event' },
    ],
    positionals: { min: 0, max: 7, names: 'objects' },
    details: `Objects: link, address (addr), route, neigh, rule, nexthop, fdb; default all but fdb (bridge FDB
entries; \`neigh\` shows them too, as ip monitor does). Rules and nexthops print as \`ip monitor\`, fdb as \`bridge monitor fdb\`. Stops on Ctrl-C (exit 0).
\`monitor genl ethtool\` (or ethtool:monitor) prints generic netlink notifications, one JSON object a line.
\`monitor conntrack\` prints connection events as \`conntrack -E\` does (--json: with the NAT view).
If the kernel drops events (the receive queue overflowed), a line says so and monitoring goes on.`,
  },
  {
    name: 'decode',
    summary: 'decode netlink bytes read on stdin',
    usage: 'netlinkts decode [--json] [--protocol route|netfilter|generic|...] [--family NAME=ID,...] [--input auto|hex|binary] < FILE',
    options: [
      { name: 'json', help: 'a JSON array of decoded messages' },
      { name: 'protocol', value: 'PROTO', help: 'route (default), netfilter, or a number; auto-detected for nftables messages' },
      { name: 'input', value: 'FORMAT', help: 'hex (whitespace ignored; lines may start with "send"/"recv"), binary, or auto (default)' },
      { name: 'family', value: 'NAME=ID,...', help: 'generic netlink: the families behind these message types (ids nlctrl replies in the input name are known already); implies --protocol generic' },
    ],
    details: `Hex input: whitespace and #-comments are ignored; a line starting with "send" or "recv"
(the format of test/fixtures/netlink/*.hex) is one datagram of its own. Anything else that is
not text is read as raw binary (e.g. a capture of one datagram).
Generic netlink: nlctrl is always known; other ids are named by nlctrl replies in the input
or by --family, and decoded by the family's declared table (netlinkts ynl --list-families).
Malformed input: one line naming the byte offset, exit status 1.`,
  },
  {
    name: 'ynl',
    summary: 'speak any declared netlink family generically (as the kernel\'s tools/net/ynl)',
    usage: `netlinkts ynl --family NAME (--do OP | --dump OP) [--json ATTRS] [--header FIELDS] [--netns NAME] [--pretty]
       netlinkts ynl --family NAME --list-ops
       netlinkts ynl --list-families`,
    options: [],
    passthrough: true,
    details: `Attributes and header fields are JSON with the kernel spec's names; bytes are hex text.
Each reply is printed as one JSON object a line: {"op", "header", "attrs"}.
Example: netlinkts ynl --family ethtool --do channels-get --json '{"header": {"dev-name": "eth0"}}'`,
  },
  {
    name: 'dump-genl',
    summary: 'list generic netlink families (like `genl ctrl list`)',
    usage: 'netlinkts dump-genl [--json] [--netns NAME] [FAMILY...]',
    options: [],
    passthrough: true,
    details: 'Text is what `genl ctrl list` prints; --json gives ids, versions, operations and multicast groups.',
  },
  {
    name: 'dump-conntrack',
    summary: 'the connection-tracking table (like `conntrack -L`), with NAT views in --json',
    usage: 'netlinkts dump-conntrack [--netns NAME | --all-netns] [-p PROTO] [-s SRC] [-d DST] [--sport N] [--dport N] [-m MARK[/MASK]] [-w ZONE] [-f ipv4|ipv6] [--nat snat|dnat|any] [--extended] [--json] | -C | -S | expect',
    options: [],
    passthrough: true,
    details: `Text is what \`conntrack -L\` prints (its count line on stderr); --extended as -o extended.
-C counts entries, -S prints the per-CPU statistics, "expect" lists expectations.`,
  },
  {
    name: 'ethtool',
    summary: 'a device\'s offload features (like `ethtool -k`), changed with --set',
    usage: 'netlinkts ethtool DEV [--set NAME=on|off ...] [--channels] [--json] [--netns NAME]',
    options: [],
    passthrough: true,
    details: `Feature names are the kernel's (rx-gro) or ethtool's group names (generic-receive-offload).
--json prints what \`ethtool --json -k\` prints.`,
  },
  {
    name: 'dump-tc',
    summary: 'traffic control: qdiscs, classes, filters, actions (like `tc [-s] [-j] qdisc|class|filter show`)',
    usage: 'netlinkts dump-tc qdisc|class|filter|actions [KIND] [--dev D] [--parent P] [--protocol P] [--prio N] [--chain N] [--json] [-s] [--netns NAME]',
    options: [],
    passthrough: true,
    details: `Text is what \`tc [-s] ... show\` prints, --json what \`tc -j [-s]\` prints. class and filter need --dev.
\`netlinkts monitor tc\` prints changes as they happen.`,
  },
];

const NO_RAW = [NETNS, ALL_NETNS, { name: 'json', help: 'one JSON array, with the field names and value formats of the tool named above' }];
const DETAILS: OptionSpec = { name: 'details', help: 'as the tool\'s -d (protocol and scope always shown)' };
const LIST_NOTE = 'Dumps the kernel flags inconsistent (NLM_F_DUMP_INTR) are taken again.\nExit status: 0 success, 1 runtime error, 2 usage error.';

// Routing and bridge lists (issue #22), appended.
(COMMANDS as CommandSpec[]).push(
  {
    name: 'dump-rules',
    summary: 'list policy routing rules (like `ip rule show`)',
    usage: 'netlinkts dump-rules [--netns NAME | --all-netns] [--family inet|inet6] [--details] [--json]',
    options: [...NO_RAW, DETAILS, { name: 'family', value: 'FAMILY', help: 'inet (default, as ip) or inet6' }],
    exclusive: [['netns', 'all-netns']],
    details: `--json prints what \`ip -j rule show\` prints. ${LIST_NOTE}`,
  },
  {
    name: 'dump-nexthops',
    summary: 'list nexthop objects (like `ip nexthop show`)',
    usage: 'netlinkts dump-nexthops [--netns NAME | --all-netns] [--family inet|inet6] [--dev NAME] [--groups] [--fdb] [--details] [--json]',
    options: [...NO_RAW, DETAILS, { name: 'family', value: 'FAMILY', help: 'inet or inet6 (default both, as ip)' },
      { name: 'dev', value: 'NAME', help: 'only nexthops through this link (filtered by the kernel)' },
      { name: 'groups', help: 'only groups' }, { name: 'fdb', help: 'only fdb nexthops' }],
    exclusive: [['netns', 'all-netns']],
    details: `--json prints what \`ip -j nexthop show\` prints. ${LIST_NOTE}`,
  },
  {
    name: 'dump-fdb',
    summary: 'list bridge and vxlan forwarding entries (like `bridge fdb show`)',
    usage: 'netlinkts dump-fdb [--netns NAME | --all-netns] [--dev NAME] [--br NAME] [--vlan VID] [--dynamic] [--stats] [--json]',
    options: [...NO_RAW, { name: 'dev', value: 'NAME', help: 'only entries of this port or device (then left out of each entry, as bridge)' },
      { name: 'br', value: 'NAME', help: 'only entries of this bridge\'s ports' }, { name: 'vlan', value: 'VID', help: 'only this VLAN' },
      { name: 'dynamic', help: 'only dynamic entries' }, { name: 'stats', help: 'used/updated times, as bridge -s' }],
    exclusive: [['netns', 'all-netns']],
    details: `--json prints what \`bridge -j fdb show\` prints. ${LIST_NOTE}`,
  },
  {
    name: 'dump-vlans',
    summary: 'list bridge port VLANs (like `bridge vlan show`)',
    usage: 'netlinkts dump-vlans [--netns NAME | --all-netns] [--dev NAME] [--compressed] [--json]',
    options: [...NO_RAW, { name: 'dev', value: 'NAME', help: 'only this port' }, { name: 'compressed', help: 'VLAN ranges folded by the kernel, as bridge -compressvlans' }],
    exclusive: [['netns', 'all-netns']],
    details: `--json prints what \`bridge -j vlan show\` prints (nothing where the kernel has no VLAN filtering). ${LIST_NOTE}`,
  },
);

export function findCommand(name: string): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === name);
}

function optionLines(options: OptionSpec[]): string[] {
  const all = [...options, HELP];
  const left = all.map((o) => `  --${o.name}${o.value ? ` ${o.value}` : ''}`);
  const width = Math.max(...left.map((l) => l.length)) + 2;
  return all.map((o, i) => `${left[i]!.padEnd(width)}${o.help}`);
}

export function commandHelp(spec: CommandSpec): string {
  const lines = [`usage: ${spec.usage}`, '', spec.summary, '', 'options:', ...optionLines(spec.options)];
  if (spec.details) lines.push('', spec.details);
  return `${lines.join('\n')}\n`;
}

export function globalHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return [
    'usage: netlinkts COMMAND [OPTIONS]',
    '',
    'Inspect the kernel\'s networking over netlink (no ip, nft or sysctl involved).',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    `  ${'help'.padEnd(width)}help COMMAND shows a command's options`,
    '',
    'Every command takes --help. Exit status: 0 success, 1 runtime error, 2 usage error.',
    'Set DEBUG=netlinkts:* for protocol logs and stack traces.',
    '',
  ].join('\n');
}
