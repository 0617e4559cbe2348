// MET_THREADS: a cap on DuckDB's threads, read by lib/db.ts for every database a process
// opens, and checked by the \`met\` command before it does anything (a module of its own,
// so that the check does not load DuckDB).

import { availableParallelism } from 'node:os';

export const BAD_THREADS = 'MET_THREADS must be a whole number of threads from 1 to 9999 (or unset, for one per core).';

/** What is wrong with a MET_THREADS value, or null when it is unset or good. */
export function threadsProblem(env: string | undefined): string | null {
  return env === undefined || env === '' || /^[1-9]\d{0,3}$/.test(env) ? null : BAD_THREADS;
}

/**
 * MET_THREADS caps the threads of every DuckDB instance this process opens (DuckDB's
 * default is one per core): for a machine shared with other work. The tests set it to 1
 * (vitest.config.ts): two test files run side by side on two cores, and a second thread
 * per small database costs more in waiting for each other than it saves.
 */
export function capThreads(config: Record<string, string>, env: string | undefined): Record<string, string> {
  if (env === undefined || env === '') return config;
  const problem = threadsProblem(env);
  if (problem) throw new Error(problem);
  // Nothing asked: DuckDB's default, one thread per core, is what is capped.
  const asked = config.threads === undefined ? availableParallelism() : Number(config.threads);
  return { ...config, threads: String(Math.min(asked, Number(env))) };
}
