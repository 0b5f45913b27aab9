// Zone-server load benchmark: `npm run bench:zone [-- --clients 1000 --duration 20]`. Starts a zone process
// (`arcane serve scenarios/zone-1k.yaml`) and, in a separate process, `arcane load` with N WebSocket bots;
// prints the load report (bytes per client, snapshot rate, round trips) with the server's tick percentiles.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { setPriority } from 'node:os';
import { join } from 'node:path';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const clients = opt('clients', '1000');
const duration = opt('duration', '20');
// The bot process is the load generator, not the system under test: on this machine it shares two cores with
// the zone process, and at normal priority it preempts the server's tick (`--bot-nice 0` to compare).
const botNice = Number(opt('bot-nice', '10'));
const scenario = opt('scenario', 'scenarios/zone-1k.yaml');
// Gateway processes doing the clients' socket I/O (`--gateways 0`: the sockets in the zone process itself).
const gateways = opt('gateways', '1');
const root = join(import.meta.dirname, '../..');
const cli = join(root, 'lab/cli/bin.mjs');

// A larger young generation: the server allocates one snapshot per client per tick.
const server = spawn(
  process.execPath,
  ['--max-semi-space-size=64', cli, 'serve', scenario, '--port', '0', '--gateways', gateways],
  {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
// Keep reading the server's output to the end (breaking out of a for-await would close the pipe, and the
// server's last line would then die of EPIPE).
server.stdout.setEncoding('utf8');
const url = await new Promise<string>((resolve) => {
  let seen = '';
  server.stdout.on('data', (d: string) => {
    process.stderr.write(d);
    seen += d;
    const m = /listening on (ws:\/\/\S+)/.exec(seen);
    if (m) resolve(m[1]);
  });
  server.once('exit', () => resolve(''));
});
if (!url) throw new Error('the zone server did not start');
const load = spawn(
  process.execPath,
  [cli, 'load', '--url', url, '--clients', clients, '--duration', duration, '--json'],
  {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
if (botNice && load.pid) setPriority(load.pid, botNice);
let out = '';
load.stdout.setEncoding('utf8');
load.stdout.on('data', (d: string) => {
  out += d;
  process.stderr.write(d);
});
await once(load, 'exit');
server.kill('SIGINT');
await once(server, 'exit');
const last = out.trim().split('\n').pop() ?? '{}';
const r = JSON.parse(last) as Record<string, unknown>;
console.log(
  JSON.stringify({
    scenario,
    clients: Number(clients),
    durationS: Number(duration),
    botNice,
    gateways: Number(gateways),
    ...r,
  }),
);
