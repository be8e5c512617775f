// Reading a file with the fewest event-loop turns. An asynchronous read is several turns (open, stat, read, close),
// and on a server answering many concurrent requests each turn waits behind all of them (~100 ms at 50 busy
// connections on 2 cores), so loading a new index generation took seconds for a few hundred KB. A small file is read
// in one blocking call instead: a millisecond or so, less than one such turn. Large files stay asynchronous.
import { readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

/** Files up to this size are read in one blocking call (~1 ms per MiB from the page cache). */
export const BLOCKING_READ_MAX_BYTES = 2 << 20;

export function smallFile(bytes: number): boolean {
  return bytes <= BLOCKING_READ_MAX_BYTES;
}

/** The file's bytes; in one blocking read when it is small. Rejects like fs.promises.readFile (ENOENT, ...). */
export async function readFileFewTurns(path: string): Promise<Buffer> {
  return smallFile(statSync(path).size) ? readFileSync(path) : readFile(path);
}
