// Uploads: held in memory under one cap for all files together, refused at once when
// the headers say they are too large and cut off at the cap when they do not; written
// to a private folder just before the load and gone when the job ends; malformed
// requests answered 4xx with the rule they break, never 500.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import { EPISODE_HEADER, POPULATION, episode, episodes, query, tempDir, jobEnd, writeFolder } from '../helpers.js';
import { load } from '../../etl/load.js';
import { privateBase } from '../../etl/privateDir.js';
import { startServer, type RunningServer } from '../../server/index.js';
import { uploadBytesHeld } from '../../server/refreshJobs.js';
import { multipart, raw } from './http.js';

const MB = 1024 * 1024;
let dir: string;
let db: string;
let server: RunningServer;
let same: Record<string, string>;

beforeAll(async () => {
  dir = tempDir('met-capped-');
  db = join(dir, 'met.duckdb');
  const folder = writeFolder(join(dir, 'in'), { 'population.csv': POPULATION, 'missing_episodes.csv': episodes(episode()) });
  expect((await load({ inDir: folder, db })).report.status).toBe('loaded');
  // A cap of 1 MB, so the tests send little.
  server = await startServer({ db, port: 0, role: 'analyst', log: false, maxUploadMb: 1 });
  same = { origin: server.url };
});

afterAll(async () => {
  await server?.close();
});

type JobState = { state: string; error?: string; report?: { status: string; refresh_id: string; files: { file: string; status: string }[] } };

/** The job's end, waited on (GET /api/refresh/:job?wait=1 answers when it ends). */
async function finished(job: string, s: RunningServer = server): Promise<JobState> {
  return jobEnd(async (path) => (await raw(s.url, { path })).json as JobState, job);
}

const ours = (base: string, prefix: string) => readdirSync(base).filter((f) => f.startsWith(prefix));

describe('an upload within the cap', () => {
  it('is loaded from a private folder of this process, removed when the job ends', async () => {
    const tmpBefore = new Set(ours(tmpdir(), 'met-upload-'));
    const { body, type } = multipart([
      { name: 'files', filename: 'missing_episodes.csv', content: episodes(episode(), episode({ episode_id: 'E2' }), episode({ episode_id: 'E3' })) },
      { name: 'area', content: '' },
    ]);
    const r = await raw(server.url, { method: 'POST', path: '/api/refresh', headers: { ...same, 'content-type': type, 'content-length': body.length }, body });
    expect(r.status).toBe(202);
    const job = await finished(r.json.job);
    expect(job.state, job.error).toBe('done');
    expect(job.report!.files.map((f) => [f.file, f.status])).toEqual([['missing_episodes.csv', 'loaded']]);
    // The load read the folder the upload was written to: a private one named after this process.
    const [refresh] = await query<{ input: string }>(db, 'SELECT input FROM refreshes WHERE refresh_id = $r', { r: job.report!.refresh_id });
    expect(refresh!.input).toMatch(new RegExp(`^met-private-upload-${process.pid}-`));
    // And it is gone; nothing went to the temporary folder.
    expect(ours(privateBase(), `met-private-upload-${process.pid}-`)).toEqual([]);
    // (Other processes on the machine may remove old ones meanwhile: only new ones count.)
    expect(ours(tmpdir(), 'met-upload-').filter((f) => !tmpBefore.has(f))).toEqual([]);
    expect(await query(db, 'SELECT count(*)::INT AS n FROM missing_episodes')).toEqual([{ n: 3 }]);
  });

  it('loads neither of two files naming one extract (names differing only in case), as met load does', async () => {
    const { body, type } = multipart([
      { name: 'files', filename: 'missing_episodes.csv', content: episodes(episode({ episode_id: 'A1' })) },
      { name: 'files', filename: 'Missing_Episodes.CSV', content: episodes(episode({ episode_id: 'B1' }), episode({ episode_id: 'B2' })) },
      { name: 'files', filename: 'population.csv', content: POPULATION },
      { name: 'area', content: '' },
    ]);
    const before = await query(db, 'SELECT count(*)::INT AS n FROM missing_episodes');
    const r = await raw(server.url, { method: 'POST', path: '/api/refresh', headers: { ...same, 'content-type': type, 'content-length': body.length }, body });
    expect(r.status).toBe(202);
    expect((r.json.refused_uploads as { file: string }[]).map((x) => x.file).sort()).toEqual(['Missing_Episodes.CSV', 'missing_episodes.csv']);
    const job = await finished(r.json.job);
    expect(job.state, job.error).toBe('done');
    expect(job.report!.files.map((f) => [f.file, f.status])).toEqual([['population.csv', 'loaded']]);
    // The episodes stay as they were: neither upload replaced them.
    expect(await query(db, 'SELECT count(*)::INT AS n FROM missing_episodes')).toEqual(before);
  });

  it('lets go of the uploaded bytes once the job has ended', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const freedAll = async () => {
      // Finalisers run after a collection, as a task of their own: collect and look again, a bounded number of times.
      for (let i = 0; i < 200 && uploadBytesHeld() > 0; i++) {
        gc();
        await new Promise((ok) => setImmediate(ok));
      }
      return uploadBytesHeld();
    };
    expect(await freedAll()).toBe(0);
    // 900 KB of a file the loader refuses (a header and blank lines): the job ends quickly.
    const content = Buffer.alloc(900 * 1024, '\n');
    content.write(EPISODE_HEADER + '\n');
    const { body, type } = multipart([{ name: 'files', filename: 'missing_episodes.csv', content }]);
    const r = await raw(server.url, { method: 'POST', path: '/api/refresh', headers: { ...same, 'content-type': type, 'content-length': body.length }, body });
    expect(r.status).toBe(202);
    expect((await finished(r.json.job)).state).not.toBe('running');
    // Afterwards, nothing of it.
    expect(await freedAll()).toBe(0);
  });
});

describe('an upload over the cap', () => {
  it('is refused from its Content-Length alone, before a byte of the body is sent', async () => {
    const { status, json, headers } = await new Promise<{ status: number; json: Record<string, string>; headers: Record<string, unknown> }>((ok, fail) => {
      const u = new URL(server.url);
      const req = request({
        host: u.hostname,
        port: Number(u.port),
        method: 'POST',
        path: '/api/refresh',
        headers: { ...same, 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(2300 * MB) },
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          ok({ status: res.statusCode!, json: JSON.parse(Buffer.concat(chunks).toString()), headers: res.headers });
          req.destroy();
        });
      });
      req.on('error', fail);
      // Headers only: the answer must come without the body.
      req.flushHeaders();
    });
    expect(status).toBe(413);
    expect(json.error).toMatch(/larger than the 1 MB this server accepts at once \(all files together\)/);
    expect(headers.connection).toBe('close');
  });

  it('is cut off at the cap when sent without a Content-Length, holding no more than the cap', async () => {
    const u = new URL(server.url);
    const { type } = multipart([]);
    const head = Buffer.from(
      `--met-test-boundary-7MA4YWxk\r\nContent-Disposition: form-data; name="files"; filename="missing_episodes.csv"\r\nContent-Type: text/csv\r\n\r\n${EPISODE_HEADER}\r\n`,
    );
    const lines = Buffer.alloc(64 * 1024, '\n');
    const limit = 64 * MB;
    const baseline = process.memoryUsage().arrayBuffers;
    let peak = 0;
    let heldPeak = 0;
    let sent = 0;
    const result = await new Promise<{ status: number; error: string; sentBefore: number }>((ok, fail) => {
      let answered: { status: number; error: string; sentBefore: number } | null = null;
      const req = request({
        host: u.hostname,
        port: Number(u.port),
        method: 'POST',
        path: '/api/refresh',
        headers: { ...same, 'content-type': type, 'transfer-encoding': 'chunked' },
      });
      req.on('response', (res) => {
        const sentBefore = sent;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          answered = { status: res.statusCode!, error: JSON.parse(Buffer.concat(chunks).toString()).error, sentBefore };
          req.destroy();
          ok(answered);
        });
      });
      // Once answered, the server closes the connection: the writes that were in flight fail.
      req.on('error', (e) => (answered ? ok(answered) : fail(e)));
      req.write(head);
      const pump = () => {
        while (!answered && !req.destroyed && sent < limit) {
          peak = Math.max(peak, process.memoryUsage().arrayBuffers - baseline);
          heldPeak = Math.max(heldPeak, uploadBytesHeld());
          sent += lines.length;
          if (!req.write(lines)) {
            req.once('drain', pump);
            return;
          }
        }
        if (!answered && sent >= limit) req.end('\r\n--met-test-boundary-7MA4YWxk--\r\n');
      };
      pump();
    });
    expect(result.status).toBe(413);
    expect(result.error).toMatch(/larger than the 1 MB/);
    // Answered long before the 64 MB were sent: the cap plus what the sockets buffer between the two sides.
    expect(result.sentBefore).toBeLessThan(16 * MB);
    // The server held at most the cap (plus a chunk) of the upload at any time.
    expect(peak).toBeLessThan(3 * MB);
    expect(heldPeak).toBeLessThanOrEqual(1 * MB);
    // And it still serves.
    expect((await raw(server.url, { path: '/api/health' })).status).toBe(200);
  });

  it('counts every file of the request against the one cap', async () => {
    const half = (name: string) => ({ name: 'files', filename: name, content: Buffer.alloc(600 * 1024, '\n') });
    const { body, type } = multipart([half('missing_episodes.csv'), half('return_interviews.csv')]);
    // Sent chunked, so only the count of what arrives can refuse it.
    const r = await raw(server.url, { method: 'POST', path: '/api/refresh', headers: { ...same, 'content-type': type, 'transfer-encoding': 'chunked' }, body });
    expect(r.status).toBe(413);
  });
});

describe('malformed requests get 4xx, never 500', () => {
  const file = (filename: string) => multipart([{ name: 'files', filename, content: episodes(episode()) }]);
  const B = 'met-test-boundary-7MA4YWxk';
  const good = file('missing_episodes.csv');
  type Case = [string, { path?: string; method?: string; headers?: Record<string, string>; body?: Buffer | string }, number, RegExp];
  const cases: Case[] = [
    [
      'a NUL in a file name (encoded)',
      { body: multipart([{ name: 'files', filename: 'x.csv', filenameStar: 'missing_episodes.csv%00.txt', content: 'x' }]).body },
      400,
      /may not contain control characters/,
    ],
    [
      'a bell in a file name (encoded)',
      { body: multipart([{ name: 'files', filename: 'x.csv', filenameStar: 'missing_%07episodes.csv', content: 'x' }]).body },
      400,
      /may not contain control characters/,
    ],
    ['a line break in a file name (escaped as browsers do)', { body: file('missing_%0Aepisodes.csv').body }, 400, /may not contain control characters/],
    ['a raw NUL byte in a part header', { body: file('missing_episodes.csv\u0000.txt').body }, 400, /not well-formed multipart/],
    ['a path in a file name', { body: file('../../etc/missing_episodes.csv').body }, 400, /may not contain \/ or \\/],
    ['a Windows path in a file name', { body: file('C:\\extracts\\missing_episodes.csv').body }, 400, /may not contain \/ or \\/],
    ['an overlong file name', { body: file('m'.repeat(300) + '.csv').body }, 400, /at most 255 characters/],
    ['a gzip-encoded body', { headers: { 'content-encoding': 'gzip' }, body: gzipSync(good.body) }, 415, /without Content-Encoding \(gzip is not accepted\)/],
    ['a deflate-encoded body', { headers: { 'content-encoding': 'deflate' }, body: good.body }, 415, /deflate is not accepted/],
    ['a br-encoded body', { headers: { 'content-encoding': 'br' }, body: good.body }, 415, /br is not accepted/],
    ['an unknown encoding', { headers: { 'content-encoding': 'x-<script>' }, body: good.body }, 415, /an encoding is not accepted/],
    ['multipart without a boundary', { headers: { 'content-type': 'multipart/form-data' }, body: good.body }, 400, /not well-formed multipart/],
    ['multipart cut short', { body: good.body.subarray(0, good.body.length - 40) }, 400, /not well-formed multipart/],
    [
      'multipart with a broken part header',
      { body: `--${B}\r\nContent-Disposition form-data name\r\n\r\nx\r\n--${B}--\r\n` },
      400,
      /not well-formed multipart|the upload was refused/,
    ],
    ['invalid JSON', { headers: { 'content-type': 'application/json' }, body: '{"files": [' }, 415, /send the extracts as multipart\/form-data/],
    ['a plain-text body', { headers: { 'content-type': 'text/plain' }, body: 'population.csv' }, 415, /multipart\/form-data/],
    [
      'a file in another field',
      { body: multipart([{ name: 'upload', filename: 'missing_episodes.csv', content: 'x' }]).body },
      400,
      /the upload was refused: a file was sent in another field than 'files'/,
    ],
    [
      'too many fields',
      { body: multipart(Array.from({ length: 8 }, (_, i) => ({ name: `f${i}`, content: 'x' }))).body },
      400,
      /the upload was refused: Too many (fields|parts)/,
    ],
    ['an overlong field', { body: multipart([{ name: 'area', content: 'x'.repeat(5000) }]).body }, 400, /the upload was refused: Field value too long/],
    [
      'an unknown area',
      {
        body: multipart([
          { name: 'area', content: 'Atlantis' },
          { name: 'files', filename: 'missing_episodes.csv', content: episodes(episode()) },
        ]).body,
      },
      400,
      /area 'Atlantis' is not known/,
    ],
    ['a bad percent-encoding in the path', { method: 'GET', path: '/api/pages/%E0%A4%A' }, 400, /could not be read/],
  ];

  it.each(cases)('%s', async (_what, c, status, message) => {
    const r = await raw(server.url, {
      method: c.method ?? 'POST',
      path: c.path ?? '/api/refresh',
      headers: c.method === 'GET' ? {} : { ...same, 'content-type': good.type, ...(c.headers ?? {}) },
      ...(c.body !== undefined ? { body: c.body } : {}),
    });
    expect(r.status).toBe(status);
    expect(r.json.error).toMatch(message);
    // No stack, no echo of the input.
    expect(r.text).not.toMatch(/at .*\.(ts|js):\d+|<script>|node_modules/);
    expect((await raw(server.url, { path: '/api/health' })).status).toBe(200);
  });
});
