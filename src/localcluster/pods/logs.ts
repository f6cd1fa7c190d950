// Container logs, kept as the kubelet keeps them: one file per container start
// (`logs/<container>/<restartCount>.log`), each line in the CRI format `<RFC3339Nano> <stream> F <text>`,
// so that `kubectl logs` can ask for timestamps, a tail, a time window and the previous start.
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';

export class LogWriter {
  private readonly out: WriteStream;
  private readonly partial = { stdout: '', stderr: '' };

  constructor(readonly path: string) {
    this.out = createWriteStream(path, { flags: 'a' });
    this.out.on('error', () => {});
  }

  static async open(path: string): Promise<LogWriter> {
    await mkdir(dirname(path), { recursive: true });
    return new LogWriter(path);
  }

  write(stream: 'stdout' | 'stderr', chunk: Buffer): void {
    const text = this.partial[stream] + chunk.toString('utf8');
    const lines = text.split('\n');
    this.partial[stream] = lines.pop() ?? '';
    const time = new Date().toISOString();
    for (const line of lines) this.out.write(`${time} ${stream} F ${line}\n`);
  }

  async close(): Promise<void> {
    const time = new Date().toISOString();
    for (const stream of ['stdout', 'stderr'] as const) {
      if (this.partial[stream] !== '') this.out.write(`${time} ${stream} F ${this.partial[stream]}\n`);
      this.partial[stream] = '';
    }
    await new Promise<void>((resolve) => this.out.end(resolve));
  }
}

export interface LogEntry {
  time: string;
  stream: string;
  text: string;
}

function parse(line: string): LogEntry | undefined {
  const a = line.indexOf(' ');
  const b = line.indexOf(' ', a + 1);
  const c = line.indexOf(' ', b + 1);
  if (a < 0 || b < 0 || c < 0) return undefined;
  return { time: line.slice(0, a), stream: line.slice(a + 1, b), text: line.slice(c + 1) };
}

/** The complete lines of a log file from byte `from`, and where the next read starts. */
export async function readEntries(path: string, from = 0): Promise<{ entries: LogEntry[]; next: number }> {
  const file = await open(path, 'r').catch(() => undefined);
  if (!file) return { entries: [], next: from };
  try {
    const { size } = await file.stat();
    if (size <= from) return { entries: [], next: from };
    const buffer = Buffer.alloc(size - from);
    await file.read(buffer, 0, buffer.length, from);
    const end = buffer.lastIndexOf(0x0a);
    if (end < 0) return { entries: [], next: from };
    const entries: LogEntry[] = [];
    for (const line of buffer.subarray(0, end).toString('utf8').split('\n')) {
      const entry = parse(line);
      if (entry) entries.push(entry);
    }
    return { entries, next: from + end + 1 };
  } finally {
    await file.close();
  }
}

export function render(entries: readonly LogEntry[], timestamps: boolean): string {
  return entries.map((e) => (timestamps ? `${e.time} ${e.text}\n` : `${e.text}\n`)).join('');
}
