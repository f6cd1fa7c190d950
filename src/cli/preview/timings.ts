// `preview --timings`: how long each phase took and the peak memory, printed to stderr (bench:preview reads
// it). CPU time is printed beside wall time: on a shared machine it is the steadier of the two.

export type Phase = 'parse' | 'admission' | 'timeline' | 'output';

export interface Timings {
  /** Runs one phase and adds its wall and CPU time to the phase's totals. */
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
  const begin = () => ({ wallMs: performance.now(), cpuMs: cpuMs() });
  const add = (phase: Phase, from: Spent) => {
    const total = spent.get(phase) ?? { wallMs: 0, cpuMs: 0 };
    total.wallMs += performance.now() - from.wallMs;
    total.cpuMs += cpuMs() - from.cpuMs;
    spent.set(phase, total);
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
      const phases = [...spent].map(([phase, time]) => describe(phase, time));
      const total = { wallMs: performance.now() - started.wallMs, cpuMs: cpuMs() - started.cpuMs };
      const rss = process.resourceUsage().maxRSS / 1024;
      return `timings: ${phases.join(', ')}, ${describe('total', total)}, peak RSS ${rss.toFixed(0)} MB`;
    },
  };
}
