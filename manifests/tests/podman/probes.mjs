#!/usr/bin/env node
// Runs every probe of the played pods once, the way the kubelet would, since podman 4.3 does not:
// httpGet -> GET http://127.0.0.1:PORT/PATH, success is a status in 200..399 (host network: the pod's
// address is the host's loopback); exec -> `podman exec CONTAINER COMMAND...`, success is exit 0;
// tcpSocket -> a TCP connection. Each probe's timeoutSeconds applies.
//   node probes.mjs DIR/probes.json       exit 0 when every probe succeeds, 1 otherwise
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';

const probes = JSON.parse(readFileSync(process.argv[2], 'utf8'));

async function run(p) {
  const timeout = (p.timeoutSeconds ?? 1) * 1000;
  if (p.httpGet) {
    const url = `http://127.0.0.1:${p.httpGet.port}${p.httpGet.path ?? '/'}`;
    const res = await fetch(url, { signal: AbortSignal.timeout(timeout), redirect: 'manual' });
    await res.arrayBuffer();
    return [res.status >= 200 && res.status < 400, `GET ${url} -> ${res.status}`];
  }
  if (p.exec) {
    return new Promise((resolve) => {
      execFile('podman', ['exec', p.container, ...p.exec.command], { timeout }, (err, stdout, stderr) => {
        resolve([!err, `exec ${JSON.stringify(p.exec.command)} -> ${err ? `exit ${err.code ?? err.signal}: ${stderr.trim()}` : 'exit 0'}`]);
      });
    });
  }
  if (p.tcpSocket) {
    return new Promise((resolve) => {
      const s = connect({ host: '127.0.0.1', port: p.tcpSocket.port, timeout });
      s.on('connect', () => (s.destroy(), resolve([true, `tcp ${p.tcpSocket.port} open`])));
      s.on('error', (e) => resolve([false, `tcp ${p.tcpSocket.port}: ${e.message}`]));
      s.on('timeout', () => (s.destroy(), resolve([false, `tcp ${p.tcpSocket.port}: timeout`])));
    });
  }
  return [false, 'unknown probe handler'];
}

let failed = 0;
for (const p of probes) {
  let ok, detail;
  try {
    [ok, detail] = await run(p);
  } catch (e) {
    [ok, detail] = [false, e.message];
  }
  if (!ok) failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${p.container} ${p.probe}: ${detail}`);
}
process.exit(failed ? 1 : 0);
