// Starts and stops the real stack for the end-to-end tests with the project's own CLI: `boutique up
// --state-dir <tmp>` on free loopback ports (PostgreSQL, boutique-api and nginx serving
// frontend/dist, exactly as users get them), `boutique down --volumes` at the end. The tests that
// stop the API kill it by the pid `up` recorded and bring it back with `boutique up api`.
// Every wait polls with a deadline; nothing sleeps to synchronise.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
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
  dir: string; // boutique's state directory
  cli: string; // the boutique binary
  apiBin: string;
  apiPort: number;
  webPort: number;
  dbPort: number;
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

/** A port nothing listens on, below the kernel's ephemeral range (32768-60999): a port handed out
 * for port 0 comes from that range, where a client connection's local end can take it before the
 * stack binds it. */
export async function freePort(): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<boolean>((ok) => {
      const server = createServer();
      server.once('error', () => ok(false));
      server.listen(port, '127.0.0.1', () => server.close(() => ok(true)));
    });
  for (let attempt = 0; attempt < 500; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    if (await tryPort(port)) return port;
  }
  throw new Error('no free TCP port in 20000-32000 on 127.0.0.1');
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

/** `boutique ARGS` on this stack's state directory and ports; its output, or an Error with it. */
function boutique(state: StackState, args: string[], timeoutMs = 180_000): string {
  const result = spawnSync(state.cli, ['--state-dir', state.dir, ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: timeoutMs,
    env: {
      ...process.env,
      BOUTIQUE_TARGET: 'local',
      BOUTIQUE_API_PORT: String(state.apiPort),
      BOUTIQUE_WEB_PORT: String(state.webPort),
      BOUTIQUE_DB_PORT: String(state.dbPort),
      BOUTIQUE_API_BINARY: state.apiBin,
      BOUTIQUE_WEB_ROOT: join(frontendDir, 'dist'),
      BOUTIQUE_SEED_DEMO: 'true',
      BOUTIQUE_ADMIN_PASSWORD: ADMIN.password,
      // Read by boutique-api itself, which `up` starts with this environment.
      BOUTIQUE_USER_PASSWORD: CLIENT.password,
      BOUTIQUE_THREADS: '2',
    },
  });
  if (result.status !== 0) {
    throw new Error(
      `boutique ${args.join(' ')} failed (${result.status ?? result.signal}):\n${result.stdout}${result.stderr}`,
    );
  }
  return result.stdout;
}

function apiPid(state: StackState): number {
  try {
    // "PID\nSTARTTIME\n": the first line is the pid.
    return Number(readFileSync(join(state.dir, 'run', 'api.pid'), 'utf8').split('\n')[0]);
  } catch {
    return 0;
  }
}

/** Brings the API back (`boutique up api`, which waits for /readyz). */
export async function startApi(state: StackState): Promise<void> {
  boutique(state, ['up', 'api']);
  await waitFor(
    `boutique-api /readyz on port ${state.apiPort}`,
    () => httpOk(`http://127.0.0.1:${state.apiPort}/readyz`),
    10_000,
  );
}

/** Stops the API behind boutique's back (SIGTERM to the pid `up` recorded), as an outage would. */
export async function stopApi(state: StackState): Promise<void> {
  const pid = apiPid(state);
  if (!pid) throw new Error(`no ${state.dir}/run/api.pid: is the stack up?`);
  process.kill(pid, 'SIGTERM');
  await waitFor(`boutique-api (pid ${pid}) to exit`, () => !alive(pid), 15_000);
  // The port must be closed before a test can rely on "API down".
  await waitFor(
    'the API port to close',
    async () => !(await httpOk(`http://127.0.0.1:${state.apiPort}/healthz`)),
    10_000,
  );
}

export async function startStack(): Promise<StackState> {
  const distDir = join(frontendDir, 'dist');
  if (!existsSync(join(distDir, 'index.html'))) {
    throw new Error(`${distDir}/index.html is missing: run "npm run build" first`);
  }
  const cli = resolve(repoRoot, process.env.BOUTIQUE_CLI ?? 'build/bin/boutique');
  const apiBin = resolve(repoRoot, process.env.BOUTIQUE_API_BIN ?? 'build/bin/boutique-api');
  for (const [bin, variable] of [
    [cli, 'BOUTIQUE_CLI'],
    [apiBin, 'BOUTIQUE_API_BIN'],
  ]) {
    if (!existsSync(bin)) throw new Error(`${bin} not found: build it (make) or set ${variable}`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'boutique-e2e-'));
  // As root, PostgreSQL runs as 'postgres' and the nginx workers as www-data: they must traverse it.
  chmodSync(dir, 0o711);
  const state: StackState = {
    dir,
    cli,
    apiBin,
    apiPort: await freePort(),
    webPort: await freePort(),
    dbPort: await freePort(),
    baseURL: '',
  };
  state.baseURL = `http://127.0.0.1:${state.webPort}`;
  writeState(state);
  process.env.BOUTIQUE_E2E_STATE_DIR = dir;
  boutique(state, ['up']);
  return state;
}

/** Stops everything; copies the logs to keepLogsIn (if given) before deleting the data. */
export async function stopStack(state: StackState, keepLogsIn?: string): Promise<void> {
  const errors: unknown[] = [];
  try {
    boutique(state, ['down']);
  } catch (e) {
    errors.push(e);
  }
  if (keepLogsIn) {
    mkdirSync(keepLogsIn, { recursive: true });
    const pgHomeFile = join(state.dir, 'pg-home');
    const pgHome = existsSync(pgHomeFile)
      ? readFileSync(pgHomeFile, 'utf8').trim()
      : join(state.dir, 'pg');
    for (const [from, to] of [
      [join(state.dir, 'logs', 'api.log'), 'api.log'],
      [join(state.dir, 'logs', 'web.log'), 'nginx-error.log'],
      [join(state.dir, 'logs', 'web-access.log'), 'nginx-access.log'],
      [join(pgHome, 'postgresql.log'), 'postgresql.log'],
    ]) {
      if (existsSync(from)) cpSync(from, join(keepLogsIn, to));
    }
  }
  try {
    boutique(state, ['down', '--volumes', '--yes']);
  } catch (e) {
    errors.push(e);
  }
  rmSync(state.dir, { recursive: true, force: true });
  if (errors.length) throw errors[0];
}
