// HF_ENDPOINT: models download from a Hugging Face Hub mirror. The "mirror" is a loopback HTTP server serving the
// generated test model in the hub's URL layout (<model>/resolve/main/<file>), so no network is needed.
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataPaths, loadConfig } from '../../src/config.js';
import { DEFAULT_MODEL } from '../../src/embed/models.js';
import { openEmbedder } from '../../src/embed/select.js';
import { testModel } from '../helpers/test-model.js';

let server: Server;
let endpoint: string;
let root: string;
const requested: string[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'papersift-mirror-'));
  const prefix = `/${DEFAULT_MODEL}/resolve/main/`;
  server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url!, 'http://x').pathname);
    requested.push(path);
    const file = path.startsWith(prefix) ? join(testModel().dir, path.slice(prefix.length)) : undefined;
    stat(file ?? '/nonexistent').then(
      (s) => {
        res.writeHead(200, { 'content-length': s.size });
        if (req.method === 'HEAD') res.end();
        else createReadStream(file!).pipe(res);
      },
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(root, { recursive: true, force: true });
});

describe('HF_ENDPOINT', () => {
  it('downloads the default model from the mirror into <data>/models, then loads it from disk', async () => {
    const data = join(root, 'data');
    const config = loadConfig({ dataDir: data }, { HF_ENDPOINT: endpoint, PAPERSIFT_OFFLINE: 'false' });
    const { embedder, reason } = await openEmbedder(config);
    expect(embedder.info.id).toMatch(new RegExp(`^transformers:${DEFAULT_MODEL}:q8:`));
    expect(reason).toBe(`auto: ${DEFAULT_MODEL} (q8) downloaded into ${join(dataPaths(data).models, DEFAULT_MODEL)}`);
    expect(requested).toContain(`/${DEFAULT_MODEL}/resolve/main/onnx/model_quantized.onnx`);
    await embedder.close();
    expect((await stat(join(dataPaths(data).models, DEFAULT_MODEL, 'onnx/model_quantized.onnx'))).size).toBeGreaterThan(0);

    requested.length = 0;
    const again = await openEmbedder(loadConfig({ dataDir: data }, { HF_ENDPOINT: endpoint }));
    expect(again.embedder.info.id).toBe(embedder.info.id);
    expect(requested).toEqual([]); // found locally: the mirror is not asked again
    await again.embedder.close();
  });
});
