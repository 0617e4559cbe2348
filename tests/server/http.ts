// Raw HTTP for the server tests: every header as given (fetch will not send a chosen
// Host, and adds its own), the body as given, and the answer read whole.

import { request } from 'node:http';

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body's bytes (an Arrow answer). */
  bytes: Buffer;
  json: Record<string, any>;
}

export function raw(url: string, o: { method?: string; path: string; headers?: Record<string, string | number>; body?: Buffer | string }): Promise<RawAnswer> {
  const u = new URL(url);
  return new Promise((ok, fail) => {
    const req = request(
      {
        host: u.hostname,
        port: Number(u.port),
        method: o.method ?? 'GET',
        path: o.path,
        headers: o.headers ?? {},
        setHost: !(o.headers && Object.keys(o.headers).some((h) => h.toLowerCase() === 'host')),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const bytes = Buffer.concat(chunks);
          const text = bytes.toString('utf-8');
          let json: Record<string, any> = {};
          try {
            json = JSON.parse(text) as Record<string, any>;
          } catch {
            // not JSON: the test reads text
          }
          ok({ status: res.statusCode ?? 0, headers: res.headers, text, bytes, json });
        });
        res.on('error', fail);
      },
    );
    req.on('error', fail);
    if (o.body !== undefined) req.write(o.body);
    req.end();
  });
}

/** A multipart/form-data body built by hand, so that names and bytes can be anything. */
export function multipart(
  parts: { name: string; filename?: string; filenameStar?: string; content: string | Buffer; type?: string }[],
  boundary = 'met-test-boundary-7MA4YWxk',
): { body: Buffer; type: string } {
  const out: Buffer[] = [];
  for (const p of parts) {
    // filenameStar: an RFC 5987 extended name (UTF-8'', percent-encoded), as some clients send.
    const disp = `form-data; name="${p.name}"${p.filename !== undefined ? `; filename="${p.filename}"` : ''}${p.filenameStar !== undefined ? `; filename*=UTF-8''${p.filenameStar}` : ''}`;
    out.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: ${disp}\r\n${p.filename !== undefined || p.filenameStar !== undefined ? `Content-Type: ${p.type ?? 'text/csv'}\r\n` : ''}\r\n`,
        'latin1',
      ),
    );
    out.push(typeof p.content === 'string' ? Buffer.from(p.content, 'utf-8') : p.content);
    out.push(Buffer.from('\r\n'));
  }
  out.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(out), type: `multipart/form-data; boundary=${boundary}` };
}

/** The session cookie a sign-in answer sets (`met_session=…`), or null. */
export function sessionCookie(a: RawAnswer): string | null {
  const set = a.headers['set-cookie'];
  const list = Array.isArray(set) ? set : set ? [set] : [];
  const c = list.find((s) => s.startsWith('met_session='));
  return c ? c.split(';')[0]! : null;
}

/** Signs in by JSON (from the server's own origin) and answers with the session cookie. */
export async function signIn(
  url: string,
  name: string,
  password: string,
  headers: Record<string, string> = {},
): Promise<RawAnswer & { cookie: string | null }> {
  const a = await raw(url, {
    method: 'POST',
    path: '/auth/sign-in',
    headers: { origin: url, 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ name, password }),
  });
  return { ...a, cookie: sessionCookie(a) };
}
