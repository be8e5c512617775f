// Writing a file's bytes in one request. fs/promises' writeFile writes a buffer in 512 KiB chunks, each an event-loop
// turn: while the main thread serialised a generation's papers, the 24 MB lexical.bin (~50 chunks) was written ~130 ms
// after it was started, and only then hashed, though hnswlib wrote a file of that size in ~20 ms. fs.writeFile (the
// callback API) hands the whole buffer to one write on a libuv thread.
import { writeFile } from 'node:fs';
import { promisify } from 'node:util';

/** Writes (creates or truncates) `path` with `data` in one request; rejects like fs.promises.writeFile. */
export const writeFileWhole: (path: string, data: string | Uint8Array) => Promise<void> = promisify(writeFile);
