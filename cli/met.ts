// The `met` command: the one face of the product for the analyst.

import { Command, InvalidArgumentError, Option } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AREAS, type AreaName } from '../etl/contract.js';
// Each command's work is imported when that command runs, so a quick command (`met
// measures`) does not load the server, the load or the Excel writer first.
import type { OidcFlags, ServeArgs } from './serve.js';
const commands = () => import('./commands.js');
import type { Role } from '../lib/disclosure.js';
import { parseArea, parseRole } from '../lib/measures.js';
import { threadsProblem } from '../lib/threads.js';

const here = dirname(fileURLToPath(import.meta.url));
const pkgPath = [join(here, '../../package.json'), join(here, '../package.json')].find((p) => existsSync(p));
const version = pkgPath ? (JSON.parse(readFileSync(pkgPath, 'utf-8')) as { version: string }).version : '0.0.0';

function intArg(name: string, min: number) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min) throw new InvalidArgumentError(`${name} must be a number ≥ ${min}`);
    return n;
  };
}

function portArg(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('--port must be a whole number from 0 to 65535 (0: any free port)');
  return n;
}

/** The library's own parsing, so the command line and the API accept the same spellings. */
function roleArg(v: string): Role {
  try {
    return parseRole(v);
  } catch (e) {
    throw new InvalidArgumentError(e instanceof Error ? e.message : String(e));
  }
}

/** An SSDA903 return belongs to one of the four areas, not to `all`. */
function areaArg(v: string): AreaName {
  let area: string;
  try {
    area = parseArea(v);
  } catch {
    area = 'all';
  }
  if (area === 'all') throw new InvalidArgumentError(`the area must be one of: ${AREAS.join(', ')}`);
  return area as AreaName;
}

const program = new Command();
program
  .name('met')
  .description('The MET dataset: partner extracts about children who go missing, are exploited or trafficked, in one trusted warehouse.')
  .version(version);

program
  .command('generate')
  .description('write realistic synthetic partner extracts (all files of the contract, all four areas)')
  .requiredOption('--out <dir>', 'folder to write the extracts to')
  .option('--seed <n>', 'random seed: the same seed gives the same bytes', intArg('--seed', 0), 1)
  .option('--scale <n>', 'multiplies people and population (1 = close to the real partnership)', intArg('--scale', 0.01), 1)
  .action(async (o: { out: string; seed: number; scale: number }) => {
    process.exitCode = await (await commands()).runGenerate(o);
  });

program
  .command('load')
  .description('refresh the warehouse from a folder of partner CSV extracts')
  .requiredOption('--in <dir>', 'folder of partner extracts')
  .requiredOption('--db <file>', 'the warehouse file (created if absent)')
  .option('--area <area>', 'the area an SSDA903 return (ssda903_missing.csv) belongs to', areaArg)
  .option('--json', 'print the load report as one JSON object')
  .option('--wait <seconds>', 'if another refresh of this warehouse is running, wait up to this long for it (default: fail at once)', intArg('--wait', 0), 0)
  .option('--rekey', 'a deliberate change of pseudonymisation key: rebuild every source that holds pseudonyms (all must be in the folder)')
  .option('--progress', 'print one line per step to stderr (for logs and scripts)')
  .addOption(new Option('--fail-after <source>', 'test hook: fail the refresh after this source').hideHelp())
  .action(async (o: { in: string; db: string; area?: AreaName; json?: boolean; failAfter?: string; wait: number; rekey?: boolean; progress?: boolean }) => {
    process.exitCode = await (await commands()).runLoad({
      inDir: resolve(o.in),
      db: o.db,
      area: o.area,
      json: !!o.json,
      failAfter: o.failAfter,
      wait: o.wait,
      rekey: !!o.rekey,
      progress: !!o.progress,
    });
  });

program
  .command('measures')
  .description('every measure of the MET dataset for one period and area, as the chosen role sees it')
  .requiredOption('--db <file>', 'the warehouse file')
  .requiredOption('--period <period>', 'a month (2025-07), quarter (2025-Q3), financial year (FY2025-26) or year (2025)')
  .option('--area <area>', 'Southampton, Portsmouth, Hampshire, Isle of Wight or all', 'all')
  .option('--role <role>', 'analyst (exact figures), board or commissioner (the partner rule), or public (the published rule)', 'analyst')
  .option('--ages <scope>', 'age scope: 0-17, 18-24 or 0-24', '0-17')
  .option('--trend <n>', 'trend length: the last N periods of the same kind', intArg('--trend', 0), 12)
  .option('--ids <ids>', 'only these measure ids, comma-separated')
  .option('--json', 'print the documented JSON shape')
  .action(async (o: { db: string; period: string; area: string; role: string; ages: string; trend: number; ids?: string; json?: boolean }) => {
    process.exitCode = await (await commands()).runMeasures(o);
  });

program
  .command('audit')
  .description('the disclosure audit of one financial year: what someone with every answer a role can obtain could work out of the withheld counts')
  .requiredOption('--db <file>', 'the warehouse file')
  .option('--role <role>', 'board or commissioner (the partner rule) or public (the published rule)', roleArg, 'board' as Role)
  .option('--fy <year>', 'the financial year, e.g. FY2024-25 (default: the latest the data covers to its end)')
  .option('--no-months', 'leave out the months (partners may ask for them; the public may not)')
  .option('--json', 'print the report as one JSON object')
  .action(async (o: { db: string; role: Role; fy?: string; json?: boolean; months: boolean }) => {
    process.exitCode = await (await import('./audit.js')).runAudit(o);
  });

program
  .command('export')
  .description('the warehouse as files for other tools: its facts (pseudonymised) and measure cells as Parquet, by table and year (docs/scale.md)')
  .requiredOption('--db <file>', 'the warehouse file')
  .requiredOption('--parquet <dir>', 'the folder to write (made readable by you only; a table already there is replaced)')
  .action(async (o: { db: string; parquet: string }) => {
    process.exitCode = await (await commands()).runExportParquet(o);
  });

program
  .command('serve')
  .description('the dashboard and its API on a warehouse, at http://127.0.0.1:8080 (Ctrl-C to stop)')
  .requiredOption('--db <file>', 'the warehouse file (a refresh that replaces it is picked up without a restart)')
  .option('--port <n>', 'port to listen on (0 for any free port)', portArg, 8080)
  .option('--no-sign-in', 'no sign-in: every request runs as --role (this machine only; a warning is printed at every start)')
  .option('--role <role>', 'with --no-sign-in: the role every request runs as (analyst, board, commissioner or public)', roleArg)
  .option('--state <file>', 'the state file: accounts, sessions, the audit log (default: the warehouse file + .state.sqlite, beside it)')
  .option('--secure-cookies', 'always mark the session cookie Secure (the dashboard is served behind TLS)')
  .option('--trust-proxy <value>', "believe a reverse proxy's X-Forwarded-For and -Proto: a number of hops, or addresses (Express's trust proxy)")
  .option('--idle-minutes <n>', 'a session ends after this many minutes without a request (default 30)', intArg('--idle-minutes', 1))
  .option('--absolute-hours <n>', 'a session ends this many hours after sign-in (default 12)', intArg('--absolute-hours', 1))
  .option('--host <host>', 'address to listen on (127.0.0.1: this machine only); without sign-in, this machine only', '127.0.0.1')
  .option(
    '--allow-host <name>',
    'another host name the dashboard answers to (repeatable); it answers to localhost, 127.0.0.1 and --host',
    (v: string, prev: string[] = []) => [...prev, v],
  )
  .option('--max-upload-mb <n>', 'the largest upload accepted, all files together, in MB (default MET_MAX_UPLOAD_MB or 200)', (v: string) => {
    const n = Number(v);
    if (!/^\d+$/.test(v.trim()) || !Number.isInteger(n) || n < 1) throw new InvalidArgumentError('--max-upload-mb must be a whole number of MB, at least 1');
    return n;
  })
  .option('--oidc-issuer <url>', "single sign-on: the identity provider's issuer URL (https; docs/sso.md)")
  .option('--oidc-client-id <id>', 'single sign-on: the client id the provider gave the dashboard (the secret: MET_OIDC_CLIENT_SECRET)')
  .option('--oidc-client-secret-file <file>', 'single sign-on: a file holding the client secret (mode 600), instead of MET_OIDC_CLIENT_SECRET')
  .option('--oidc-role-claim <claim>', 'single sign-on: the claim that holds the MET role (e.g. met_role, groups, roles)')
  .option('--oidc-role-map <pairs>', "single sign-on: claim values to roles, 'value=role,…' (default: a value that is a role's name)")
  .option('--oidc-area-claim <claim>', 'single sign-on: the claim that holds the area (one of the four, or all)')
  .option('--oidc-scope <scopes>', 'single sign-on: the scopes asked for (default "openid profile")')
  .option('--public-url <url>', 'the address browsers use for the dashboard (behind a proxy); the redirect URI is URL/auth/oidc/callback')
  .action(async (o: ServeArgs & OidcFlags) => {
    process.exitCode = await (await import('./serve.js')).runServe(o);
  });

const user = program.command('user').description('the accounts that may sign in to the dashboard (kept in the state file beside the warehouse)');
const stateOptions = (c: Command) =>
  c
    .option('--db <file>', 'the warehouse file: its state file is beside it (FILE.state.sqlite)')
    .option('--state <file>', 'the state file itself (as met serve --state)');

stateOptions(
  user
    .command('add')
    .description('add an account: the password is prompted without echo, or read from standard input')
    .requiredOption('--name <name>', 'the name the person signs in with (letters, digits, . _ - @)')
    .requiredOption('--role <role>', 'analyst, board, commissioner or public', roleArg)
    .option('--area <area>', 'limit the account to one area (not for the analyst)', areaArg)
    .option('--password-stdin', 'read the password from standard input (the default when input is not a terminal)')
    .option('--sso-subject <subject>', 'a person of single sign-on: their subject (sub) at the identity provider; no password')
    .option('--issuer <url>', 'with --sso-subject: the identity provider (its issuer URL)'),
).action(
  async (o: { name: string; role: Role; area?: AreaName; db?: string; state?: string; passwordStdin?: boolean; ssoSubject?: string; issuer?: string }) => {
    // The user commands (SQLite, argon2) are loaded only when asked for.
    process.exitCode = await (await import('./users.js')).runUserAdd(o);
  },
);

stateOptions(user.command('list').description('the accounts: name, role, area, enabled or not, sessions (never a password or its hash)'))
  .option('--json', 'as JSON')
  .action(async (o: { db?: string; state?: string; json?: boolean }) => {
    process.exitCode = await (await import('./users.js')).runUserList(o);
  });

stateOptions(user.command('disable').description('disable an account and end its sessions').argument('<name>')).action(
  async (name: string, o: { db?: string; state?: string }) => {
    process.exitCode = await (await import('./users.js')).runUserDisable({ ...o, name });
  },
);

stateOptions(
  user
    .command('reset')
    .description('a new password for an account (prompted, or from standard input); its sessions end and it is enabled again')
    .argument('<name>')
    .option('--password-stdin', 'read the password from standard input'),
).action(async (name: string, o: { db?: string; state?: string; passwordStdin?: boolean }) => {
  process.exitCode = await (await import('./users.js')).runUserReset({ ...o, name });
});

program
  .command('demo')
  .description('generate the demo extracts and load them once, make one demo account per role, then serve the dashboard with sign-in (what `npm start` runs)')
  .option('--dir <dir>', 'where the demo data lives', 'data/demo')
  .option('--no-serve', 'prepare the demo warehouse only')
  .action(async (o: { dir: string; serve: boolean }) => {
    process.exitCode = await (await import('./demo.js')).runDemo(o.dir, { serve: o.serve });
  });

// A bad MET_THREADS would otherwise fail deep inside the first database opened.
const threads = threadsProblem(process.env.MET_THREADS);
if (threads) {
  console.error(`met: ${threads}`);
  process.exitCode = 2;
} else await program.parseAsync(process.argv);
