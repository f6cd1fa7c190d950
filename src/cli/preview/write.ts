// Writes the output a chunk at a time, waiting while the reader (a pipe, a terminal) catches up, so the
// output of a fleet is never held as one string nor queued whole in the stream's buffer.
import { once } from 'node:events';

export async function writeChunks(out: NodeJS.WritableStream, chunks: Iterable<string>): Promise<void> {
  for (const chunk of chunks) {
    if (!out.write(chunk)) await once(out, 'drain');
  }
}
