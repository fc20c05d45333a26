// The CLI's contract without a kernel: --help for every command, exit status 2 for usage
// errors, one-line errors without stack traces. Runs the compiled CLI as a process.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../dist/src/cli/main.js', import.meta.url));
const COMMANDS = ['dump-links', 'dump-addrs', 'dump-routes', 'dump-neigh', 'dump-nft', 'netns', 'monitor', 'decode'];

function cli(args: string[], input?: string, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', input: input ?? '', env: { ...process.env, DEBUG: '', ...env }, timeout: 20_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test.before(() => {
  if (!existsSync(MAIN)) throw new Error('build first: npx tsc -p tsconfig.build.json (npm test does it)');
});

test('--help lists every command and exits 0', (t) => {
  const r = cli(['--help']);
  t.is(r.status, 0);
  for (const c of COMMANDS) t.regex(r.stdout, new RegExp(`^  ${c} `, 'm'));
  t.is(r.stderr, '');
});

test('no command prints the usage on stderr and exits 2', (t) => {
  const r = cli([]);
  t.is(r.status, 2);
  t.regex(r.stderr, /^usage: netlinkts COMMAND/);
});

for (const c of COMMANDS) {
  test(`${c} --help prints its usage and options, exit 0`, (t) => {
    const args = c === 'netns' ? ['netns', '--help'] : [c, '--help'];
    const r = cli(args);
    t.is(r.status, 0, r.stderr);
    t.regex(r.stdout, new RegExp(`^usage: netlinkts ${c}`));
    t.regex(r.stdout, /--help/);
    t.is(r.stderr, '');
    // `help COMMAND` says the same
    t.is(cli(['help', c]).stdout, r.stdout);
  });
}

test('-h works like --help, even after other options', (t) => {
  const r = cli(['dump-links', '--json', '-h']);
  t.is(r.status, 0);
  t.regex(r.stdout, /^usage: netlinkts dump-links/);
});

const usageErrors: Array<[string[], RegExp]> = [
  [['frobnicate'], /unknown command "frobnicate"/],
  [['dump-links', '--bogus'], /unknown option --bogus/],
  [['dump-links', '--jso'], /did you mean --json/],
  [['dump-links', '--jsn'], /did you mean --json\?/],
  [['dump-links', '--josn'], /did you mean --json\?/],
  [['dump-lnks'], /did you mean dump-links\?/],
  [['dump-links', '--netns'], /option --netns needs a value/],
  [['dump-links', '--netns', '--json'], /option --netns needs a value/],
  [['dump-links', '--json=1'], /--json takes no value/],
  [['dump-links', 'extra'], /unexpected argument "extra"/],
  [['dump-links', '--netns', 'a', '--all-netns'], /--netns and --all-netns cannot be used together/],
  [['dump-links', '--raw', '--hex'], /--raw and --hex cannot be used together/],
  [['dump-routes', '--table', 'nosuch'], /--table/],
  [['dump-addrs', '--family', 'ipx'], /--family/],
  [['netns'], /missing subcommand/],
  [['netns', 'frob'], /unknown netns subcommand "frob"/],
  [['monitor', 'bogus'], /unknown object "bogus"/],
  [['decode', '--protocol', 'nope'], /unknown --protocol "nope"/],
  [['decode', '--input', 'nope'], /--input must be auto, hex or binary/],
  [['help', 'frobnicate'], /unknown command "frobnicate"/],
];
for (const [args, re] of usageErrors) {
  test(`usage error exits 2: ${args.join(' ')}`, (t) => {
    const r = cli(args, '');
    t.is(r.status, 2, r.stderr);
    t.regex(r.stderr, re);
    t.is(r.stderr.trim().split('\n').length, 1, 'one line');
    t.notRegex(r.stderr, /\n\s+at /, 'no stack trace');
    t.regex(r.stderr, /--help/);
    t.is(r.stdout, '');
  });
}

test('--version prints the package version', (t) => {
  const r = cli(['--version']);
  t.is(r.status, 0);
  t.regex(r.stdout, /^\d+\.\d+\.\d+/);
});

test('a runtime error is one line, exit 1; DEBUG adds the stack', (t) => {
  const r = cli(['decode'], 'zz');
  t.is(r.status, 1);
  t.is(r.stderr.trim().split('\n').length, 1);
  const d = cli(['decode'], 'zz', { DEBUG: 'netlinkts:*' });
  t.is(d.status, 1);
  t.regex(d.stderr, /\n\s+at /);
});
