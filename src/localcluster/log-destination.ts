// Where the control plane's log lines go when it runs on its own: a pino destination that writes each line
// with one synchronous write to a file descriptor and drops the line if the write fails (ENOSPC on a full
// disk, EAGAIN on a pipe nobody reads). pino's default destination retries EAGAIN forever, so with stderr on
// a full disk or a stalled pipe the server froze; a lost log line is better than a server that stops.
import { writeSync } from 'node:fs';

export interface DroppingDestination {
  write(line: string): void;
  /** Lines (or their rest) dropped so far. */
  readonly dropped: number;
}

export function droppingDestination(fd = 2): DroppingDestination {
  let dropped = 0;
  return {
    get dropped() {
      return dropped;
    },
    write(line: string) {
      const data = Buffer.from(line);
      let at = 0;
      try {
        while (at < data.length) {
          const n = writeSync(fd, data, at);
          if (n <= 0) break;
          at += n;
        }
      } catch {
        // Dropped: see above.
      }
      if (at < data.length) dropped++;
    },
  };
}
