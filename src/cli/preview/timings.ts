// `preview --timings`: how long each phase took and the peak memory, printed to stderr (bench:preview reads
// it). CPU time is printed beside wall time: on a shared machine it is the steadier of the two.

const PHASES = ['parse', 'admission', 'timeline', 'output'] as const;
export type Phase = (typeof PHASES)[number];

export interface Timings {
  /**
   * Runs one phase and adds its wall and CPU time to the phase's totals; a phase timed inside another
   * counts for itself only, not for the one around it.
   */
  time<T>(phase: Phase, work: () => T): T;
  timeAsync<T>(phase: Phase, work: () => Promise<T>): Promise<T>;
  /** `timings: parse 812 ms (cpu 790 ms), admission …, total 2311 ms (cpu 2250 ms), peak RSS 402 MB`. */
  report(): string;
}

interface Spent {
  wallMs: number;
  cpuMs: number;
}

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

function describe(name: string, { wallMs, cpuMs }: Spent): string {
  return `${name} ${wallMs.toFixed(0)} ms (cpu ${cpuMs.toFixed(0)} ms)`;
}

export function startTimings(): Timings {
  const started = { wallMs: performance.now(), cpuMs: cpuMs() };
  const spent = new Map<Phase, Spent>();
  /** Time spent in phases nested inside each running phase, which the running one does not count. */
  const nested: Spent[] = [];
  const begin = () => {
    nested.push({ wallMs: 0, cpuMs: 0 });
    return { wallMs: performance.now(), cpuMs: cpuMs() };
  };
  const add = (phase: Phase, from: Spent) => {
    const inner = nested.pop() ?? { wallMs: 0, cpuMs: 0 };
    const wallMs = performance.now() - from.wallMs;
    const cpu = cpuMs() - from.cpuMs;
    const total = spent.get(phase) ?? { wallMs: 0, cpuMs: 0 };
    total.wallMs += wallMs - inner.wallMs;
    total.cpuMs += cpu - inner.cpuMs;
    spent.set(phase, total);
    const outer = nested.at(-1);
    if (outer) {
      outer.wallMs += wallMs;
      outer.cpuMs += cpu;
    }
  };
  return {
    time(phase, work) {
      const from = begin();
      try {
        return work();
      } finally {
        add(phase, from);
      }
    },
    async timeAsync(phase, work) {
      const from = begin();
      try {
        return await work();
      } finally {
        add(phase, from);
      }
    },
    report() {
      const phases = PHASES.flatMap((phase) => {
        const time = spent.get(phase);
        return time ? [describe(phase, time)] : [];
      });
      const total = { wallMs: performance.now() - started.wallMs, cpuMs: cpuMs() - started.cpuMs };
      const rss = process.resourceUsage().maxRSS / 1024;
      return `timings: ${phases.join(', ')}, ${describe('total', total)}, peak RSS ${rss.toFixed(0)} MB`;
    },
  };
}
