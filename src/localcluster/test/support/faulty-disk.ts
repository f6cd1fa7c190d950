// A write-ahead log file layer that fails like a full disk: it takes `room` more bytes, writes what fits of a
// write that does not (a short write), and then answers ENOSPC until it is given room again. Every byte it
// takes goes to the real file, so a restart reads what a real disk would hold.
import { type OpenLogFile, openSegmentFile } from '../../store/wal.js';

export class FaultyDisk {
  /** Bytes the disk still takes. */
  room = Number.POSITIVE_INFINITY;
  shortWrites = 0;
  /** Writes waiting at the gate `hold()` closed. */
  waiting = 0;
  private gate: Promise<void> | undefined;

  /** Makes writes wait until the returned function is called (a slow disk). */
  hold(): () => void {
    let open = () => {};
    this.gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    return () => {
      this.gate = undefined;
      open();
    };
  }

  readonly open: OpenLogFile = async (path) => {
    const file = await openSegmentFile(path);
    return {
      write: async (buffer, offset, length, position) => {
        if (this.gate) {
          this.waiting++;
          await this.gate;
          this.waiting--;
        }
        if (this.room <= 0) {
          throw Object.assign(new Error(`ENOSPC: no space left on device, write`), { code: 'ENOSPC' });
        }
        if (length > this.room) this.shortWrites++;
        const result = await file.write(buffer, offset, Math.min(length, this.room), position);
        this.room -= result.bytesWritten;
        return result;
      },
      truncate: (length) => file.truncate(length),
      close: () => file.close(),
    };
  };
}
