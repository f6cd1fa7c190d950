// `preview --timings`: how long each phase took and the peak memory, printed to stderr (bench:preview reads it).

export type Phase = 'parse' | 'admission' | 'timeline' | 'output';

export interface Timings {
  /** Runs one phase and adds its wall time to the phase's total. */
  time<T>(phase: Phase, work: () => T): T;
  timeAsync<T>(phase: Phase, work: () => Promise<T>): Promise<T>;
  /** `timings: parse 812 ms, admission 640 ms, … total 2311 ms, peak RSS 402 MB`. */
  report(): string;
}

export function startTimings(): Timings {
  const started = performance.now();
  const spent = new Map<Phase, number>();
  const add = (phase: Phase, from: number) =>
    spent.set(phase, (spent.get(phase) ?? 0) + performance.now() - from);
  return {
    time(phase, work) {
      const from = performance.now();
      try {
        return work();
      } finally {
        add(phase, from);
      }
    },
    async timeAsync(phase, work) {
      const from = performance.now();
      try {
        return await work();
      } finally {
        add(phase, from);
      }
    },
    report() {
      const phases = [...spent].map(([phase, ms]) => `${phase} ${ms.toFixed(0)} ms`);
      const total = performance.now() - started;
      const rss = process.resourceUsage().maxRSS / 1024;
      return `timings: ${phases.join(', ')}, total ${total.toFixed(0)} ms, peak RSS ${rss.toFixed(0)} MB`;
    },
  };
}
