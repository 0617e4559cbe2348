// The `met` command: the one face of the product for the analyst.

import { Command, InvalidArgumentError, Option } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AREAS, type AreaName } from '../etl/contract.js';
import { runGenerate, runLoad, runMeasures } from './commands.js';
import { runAudit } from './audit.js';
import { runDemo } from './demo.js';
import { runServe } from './serve.js';
import type { Role } from '../lib/disclosure.js';
import { parseArea, parseRole } from '../lib/measures.js';

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
    process.exitCode = await runGenerate(o);
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
    process.exitCode = await runLoad({
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
  .option('--role <role>', 'analyst (exact figures), board or commissioner (disclosure control)', 'analyst')
  .option('--ages <scope>', 'age scope: 0-17, 18-24 or 0-24', '0-17')
  .option('--trend <n>', 'trend length: the last N periods of the same kind', intArg('--trend', 0), 12)
  .option('--ids <ids>', 'only these measure ids, comma-separated')
  .option('--json', 'print the documented JSON shape')
  .action(async (o: { db: string; period: string; area: string; role: string; ages: string; trend: number; ids?: string; json?: boolean }) => {
    process.exitCode = await runMeasures(o);
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
    process.exitCode = await runAudit(o);
  });

program
  .command('serve')
  .description('the dashboard and its API on a warehouse, at http://127.0.0.1:8080 (Ctrl-C to stop)')
  .requiredOption('--db <file>', 'the warehouse file (a refresh that replaces it is picked up without a restart)')
  .option('--port <n>', 'port to listen on (0 for any free port)', portArg, 8080)
  .option('--role <role>', 'the role every request runs as until sign-in exists: analyst, board or commissioner', roleArg, 'board' as Role)
  .option('--host <host>', 'address to listen on (127.0.0.1: this machine only); the analyst role is served on this machine only', '127.0.0.1')
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
  .action(async (o: { db: string; port: number; role: Role; host: string; allowHost?: string[]; maxUploadMb?: number }) => {
    process.exitCode = await runServe(o);
  });

program
  .command('demo')
  .description('generate the demo extracts and load them once, then serve the dashboard as the analyst (what `npm start` runs)')
  .option('--dir <dir>', 'where the demo data lives', 'data/demo')
  .option('--no-serve', 'prepare the demo warehouse only')
  .action(async (o: { dir: string; serve: boolean }) => {
    process.exitCode = await runDemo(o.dir, { serve: o.serve });
  });

await program.parseAsync(process.argv);
