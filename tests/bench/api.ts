// The serving benchmark: `met serve --db DB --port 0 --no-sign-in --role board` in its own
// process on 127.0.0.1, then autocannon (50 connections, 30 s) over a mix of the board
// overview's page model and the measures answer, for every area (the four and the
// partnership) × the latest complete quarter and financial year, taken in turn across
// all connections. Requests carry a browser's Accept-Encoding, so answers are compressed
// as a browser would get them. Each connection is one board member at their own address,
// as the server sees them behind the partnership's reverse proxy (`--trust-proxy
// loopback`, X-Forwarded-For): without it the API's per-client rate limit (6,000 a
// minute) would answer 429 to one address sending for fifty. The server's peak memory
// is its VmHWM at the end.

import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { AREAS_AND_ALL } from '../../model/areas.js';
import { MET } from './proc.js';

export interface Server {
  url: string;
  pid: number;
  /** Peak resident memory so far in MiB (/proc/PID/status VmHWM). */
  peakMiB(): number;
  stop(): Promise<void>;
}

/** Starts `met serve` on a free port as `role`, resolving once it says where it is. */
export function serve(db: string, role: string, env: NodeJS.ProcessEnv): Promise<Server> {
  const child: ChildProcess = spawn(process.execPath, [MET, 'serve', '--db', db, '--port', '0', '--no-sign-in', '--role', role, '--trust-proxy', 'loopback'], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let said = '';
  return new Promise((resolve, reject) => {
    const failed = (why: string) => reject(new Error(`met serve did not start (${why}): ${said.slice(-2000)}`));
    child.on('error', (e) => failed(e.message));
    child.on('exit', (code, signal) => failed(`exit ${code ?? signal}`));
    child.stderr!.setEncoding('utf8').on('data', (s: string) => {
      said += s;
      const m = /is at (http:\/\/127\.0\.0\.1:\d+)/.exec(said);
      if (!m) return;
      child.removeAllListeners('exit');
      child.stderr!.removeAllListeners('data');
      child.stderr!.resume();
      const pid = child.pid!;
      resolve({
        url: m[1]!,
        pid,
        peakMiB: () => {
          const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
          return Math.round(Number(kb?.[1] ?? 0) / 1024);
        },
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

/** What the dashboard offers: the latest complete quarter and financial year (GET /api/meta). */
export async function latestPeriods(url: string): Promise<{ quarter: string; fy: string }> {
  const meta = (await (await fetch(`${url}/api/meta`)).json()) as { periods: { quarter: string[]; fy: string[] }; in_progress: string[] };
  const complete = (list: string[]) => list.find((p) => !meta.in_progress.includes(p)) ?? list[0];
  const quarter = complete(meta.periods.quarter);
  const fy = complete(meta.periods.fy);
  if (!quarter || !fy) throw new Error('the warehouse offers no quarter or financial year');
  return { quarter, fy };
}

/** The mix: the overview page model and the measures answer, every area × both periods. */
export function mix(periods: string[]): string[] {
  return AREAS_AND_ALL.flatMap((area) =>
    periods.flatMap((period) => {
      const q = `area=${encodeURIComponent(area)}&period=${encodeURIComponent(period)}`;
      return [`/api/pages/overview?${q}`, `/api/measures?${q}`];
    }),
  );
}

export interface ApiResult {
  api_p50_ms: number;
  api_p99_ms: number;
  api_rps: number;
  api_errors: number;
  requests: number;
  non2xx: number;
  connection_errors: number;
  timeouts: number;
}

export async function hammer(url: string, paths: string[], o: { connections: number; seconds: number }): Promise<ApiResult> {
  let next = 0;
  let clients = 0;
  const r = await autocannon({
    url,
    connections: o.connections,
    duration: o.seconds,
    headers: { 'accept-encoding': 'gzip, deflate, br' },
    requests: [
      {
        setupRequest: (req, context) => {
          // One address per connection, from the documentation range 198.51.100.0/24 (never a real client).
          context.address ??= `198.51.100.${(clients++ % 250) + 1}`;
          return { ...req, method: 'GET', path: paths[next++ % paths.length]!, headers: { ...req.headers, 'x-forwarded-for': String(context.address) } };
        },
      },
    ],
  });
  return {
    api_p50_ms: r.latency.p50,
    api_p99_ms: r.latency.p99,
    api_rps: Math.round(r.requests.average * 10) / 10,
    // autocannon's errors include its timeouts.
    api_errors: r.non2xx + r.errors,
    requests: r.requests.total,
    non2xx: r.non2xx,
    connection_errors: r.errors - r.timeouts,
    timeouts: r.timeouts,
  };
}
