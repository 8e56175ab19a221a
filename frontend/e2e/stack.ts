// Starts and stops the real stack for the end-to-end tests: a throwaway PostgreSQL cluster
// (scripts/pg-cluster.sh), the boutique-api binary and nginx serving frontend/dist through the
// shared template frontend/nginx/boutique.conf.template, each on a free loopback port.
// Every wait polls with a deadline; nothing sleeps to synchronise.
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const frontendDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = resolve(frontendDir, '..');

export const ADMIN = { email: 'admin@boutique.local', password: 'admin-e2e-mot-de-passe' };
export const CLIENT = { email: 'client@boutique.local', password: 'client-e2e-mot-de-passe' };

export interface StackState {
  dir: string;
  pgDir: string;
  databaseUrl: string;
  apiBin: string;
  apiPort: number;
  apiPid: number;
  webPort: number;
  nginxPid: number;
  baseURL: string;
}

const stateFile = (dir: string) => join(dir, 'state.json');

export function readState(): StackState | null {
  const dir = process.env.BOUTIQUE_E2E_STATE_DIR;
  if (!dir || !existsSync(stateFile(dir))) return null;
  return JSON.parse(readFileSync(stateFile(dir), 'utf8')) as StackState;
}

function writeState(state: StackState) {
  writeFileSync(stateFile(state.dir), JSON.stringify(state, null, 2));
}

export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => ok(port));
    });
  });
}

/** Polls check() until it returns true or the deadline passes. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  onTimeout?: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 50; ; delay = Math.min(delay * 2, 500)) {
    if (await check()) return;
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${onTimeout ? `\n${onTimeout()}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, delay));
  }
}

async function httpOk(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return response.ok;
  } catch {
    return false;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return `(no ${file})`;
  }
}

function run(cmd: string, args: string[]): string {
  const result = spawnSync(cmd, args, { encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0) {
    throw new Error(
      `${cmd} ${args.join(' ')} failed (${result.status}):\n${result.stdout}${result.stderr}`,
    );
  }
  return result.stdout.trim();
}

/** Starts boutique-api on state.apiPort (again, after stopApi) and waits for /readyz. */
export async function startApi(state: StackState): Promise<void> {
  const log = join(state.dir, 'api.log');
  const out = openSync(log, 'a');
  const child = spawn(state.apiBin, [], {
    detached: true,
    stdio: ['ignore', out, out],
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      DATABASE_URL: state.databaseUrl,
      PORT: String(state.apiPort),
      BOUTIQUE_BIND: '127.0.0.1',
      BOUTIQUE_THREADS: '2',
      BOUTIQUE_SEED_DEMO: '1',
      BOUTIQUE_LOG_FORMAT: 'text',
      BOUTIQUE_ADMIN_PASSWORD: ADMIN.password,
      BOUTIQUE_USER_PASSWORD: CLIENT.password,
    },
  });
  child.unref();
  if (!child.pid) throw new Error(`could not start ${state.apiBin}`);
  state.apiPid = child.pid;
  writeState(state);
  await waitFor(
    `boutique-api /readyz on port ${state.apiPort}`,
    async () => {
      if (!alive(state.apiPid)) throw new Error(`boutique-api exited:\n${tail(log)}`);
      return httpOk(`http://127.0.0.1:${state.apiPort}/readyz`);
    },
    60_000,
    () => tail(log),
  );
}

/** SIGTERM, then SIGKILL if it has not exited after 10 s. */
async function stopProcess(pid: number, name: string): Promise<void> {
  if (!pid || !alive(pid)) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  try {
    await waitFor(`${name} (pid ${pid}) to exit`, () => !alive(pid), 10_000);
  } catch {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
    await waitFor(`${name} (pid ${pid}) to die`, () => !alive(pid), 5_000);
  }
}

export async function stopApi(state: StackState): Promise<void> {
  await stopProcess(state.apiPid, 'boutique-api');
  // Reap check: the port must be closed before a test can rely on "API down".
  await waitFor(
    'the API port to close',
    async () => !(await httpOk(`http://127.0.0.1:${state.apiPort}/healthz`)),
    10_000,
  );
}

function renderNginx(state: StackState, distDir: string): string {
  const ngDir = join(state.dir, 'nginx');
  mkdirSync(join(ngDir, 'logs'), { recursive: true });
  const template = readFileSync(join(frontendDir, 'nginx', 'boutique.conf.template'), 'utf8');
  const server = template
    .replaceAll('${BOUTIQUE_WEB_LISTEN}', `127.0.0.1:${state.webPort}`)
    .replaceAll('${BOUTIQUE_WEB_ROOT}', distDir)
    .replaceAll('${BOUTIQUE_API_UPSTREAM}', `127.0.0.1:${state.apiPort}`);
  writeFileSync(join(ngDir, 'boutique.conf'), server);
  const conf = join(ngDir, 'nginx.conf');
  writeFileSync(
    conf,
    `worker_processes 1;
daemon off;
pid ${ngDir}/nginx.pid;
error_log ${ngDir}/logs/error.log warn;
events { worker_connections 256; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log ${ngDir}/logs/access.log;
  client_body_temp_path ${ngDir}/client_body;
  proxy_temp_path ${ngDir}/proxy;
  fastcgi_temp_path ${ngDir}/fastcgi;
  uwsgi_temp_path ${ngDir}/uwsgi;
  scgi_temp_path ${ngDir}/scgi;
  include ${ngDir}/boutique.conf;
}
`,
  );
  return conf;
}

export async function startStack(): Promise<StackState> {
  const distDir = join(frontendDir, 'dist');
  if (!existsSync(join(distDir, 'index.html'))) {
    throw new Error(`${distDir}/index.html is missing: run "npm run build" first`);
  }
  const apiBin = resolve(repoRoot, process.env.BOUTIQUE_API_BIN ?? 'build/bin/boutique-api');
  if (!existsSync(apiBin)) {
    throw new Error(`${apiBin} not found: build it (make) or set BOUTIQUE_API_BIN`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'boutique-e2e-'));
  // PostgreSQL runs as 'postgres' and nginx workers as 'nobody' when we are root: they must
  // traverse this directory.
  chmodSync(dir, 0o755);
  const state: StackState = {
    dir,
    pgDir: join(dir, 'pg'),
    databaseUrl: '',
    apiBin,
    apiPort: await freePort(),
    apiPid: 0,
    webPort: await freePort(),
    nginxPid: 0,
    baseURL: '',
  };
  writeState(state);
  process.env.BOUTIQUE_E2E_STATE_DIR = dir;

  state.databaseUrl = run('bash', [
    join(repoRoot, 'scripts', 'pg-cluster.sh'),
    'start',
    state.pgDir,
  ])
    .split('\n')
    .pop()!;
  writeState(state);
  await startApi(state);

  // nginx serves a copy of dist/ inside the state directory: when we are root its workers run as
  // 'nobody', which may not be able to reach a checkout under a private directory (/root/...).
  const webRoot = join(dir, 'web');
  cpSync(distDir, webRoot, { recursive: true });
  chmodSync(webRoot, 0o755);
  const conf = renderNginx(state, webRoot);
  const ngDir = dirname(conf);
  const out = openSync(join(ngDir, 'logs', 'stderr.log'), 'a');
  const nginx = spawn('nginx', ['-c', conf, '-p', `${ngDir}/`, '-e', `${ngDir}/logs/error.log`], {
    detached: true,
    stdio: ['ignore', out, out],
  });
  nginx.unref();
  state.nginxPid = nginx.pid ?? 0;
  state.baseURL = `http://127.0.0.1:${state.webPort}`;
  writeState(state);
  await waitFor(
    `nginx on port ${state.webPort}`,
    async () => {
      if (!alive(state.nginxPid))
        throw new Error(
          `nginx exited:\n${tail(join(ngDir, 'logs', 'stderr.log'))}\n${tail(join(ngDir, 'logs', 'error.log'))}`,
        );
      return (await httpOk(`${state.baseURL}/`)) && (await httpOk(`${state.baseURL}/readyz`));
    },
    20_000,
  );
  return state;
}

/** Stops everything; copies the logs to keepLogsIn (if given) before deleting the state dir. */
export async function stopStack(state: StackState, keepLogsIn?: string): Promise<void> {
  const errors: unknown[] = [];
  for (const step of [
    () => stopProcess(state.nginxPid, 'nginx'),
    () => stopProcess(state.apiPid, 'boutique-api'),
    async () => {
      if (existsSync(state.pgDir))
        run('bash', [join(repoRoot, 'scripts', 'pg-cluster.sh'), 'stop', state.pgDir]);
    },
  ]) {
    try {
      await step();
    } catch (e) {
      errors.push(e);
    }
  }
  if (keepLogsIn) {
    mkdirSync(keepLogsIn, { recursive: true });
    for (const [from, to] of [
      ['api.log', 'api.log'],
      ['nginx/logs/error.log', 'nginx-error.log'],
      ['nginx/logs/access.log', 'nginx-access.log'],
      ['pg/server.log', 'postgresql.log'],
    ]) {
      if (existsSync(join(state.dir, from))) cpSync(join(state.dir, from), join(keepLogsIn, to));
    }
  }
  rmSync(state.dir, { recursive: true, force: true });
  if (errors.length) throw errors[0];
}
