// MET_PROFILE=1 prints each step of a refresh to stderr, for benchmarks: its seconds,
// the process's CPU seconds in it (user and system, every thread: DuckDB's included)
// and the pages it faulted in (each a trip into the kernel; docs/performance.md).

interface Mark {
  wall: number;
  cpu: number;
  faults: number;
}

function mark(): Mark {
  const u = process.resourceUsage();
  return { wall: performance.now(), cpu: (u.userCPUTime + u.systemCPUTime) / 1e6, faults: u.minorPageFault + u.majorPageFault };
}

const profiling = (): boolean => !!process.env.MET_PROFILE;

/** "12.3 s (20.1 s CPU, 45,678 page faults)" since `from`. */
function since(from: Mark): string {
  const now = mark();
  const faults = (now.faults - from.faults).toLocaleString('en-GB');
  return `${((now.wall - from.wall) / 1000).toFixed(1)} s (${(now.cpu - from.cpu).toFixed(1)} s CPU, ${faults} page faults)`;
}

/** A stopwatch: each call prints `<indent><label>: <time since the last call, or the start>`. */
export function stopwatch(indent = '  '): (label: string) => void {
  let from = profiling() ? mark() : null;
  return (label) => {
    if (from === null) return;
    console.error(`${indent}${label}: ${since(from)}`);
    from = mark();
  };
}

/** Runs `f` and, under MET_PROFILE, prints how long it took. */
export async function profiled<T>(label: string, f: () => Promise<T>, indent = '  '): Promise<T> {
  const tick = stopwatch(indent);
  const v = await f();
  tick(label);
  return v;
}
