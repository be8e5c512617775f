// Configuration errors name the variable (or flag), the value and the accepted values; the CLI exits 2 on them.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

const ROOT = join(import.meta.dirname, '../..');

function cli(args: string[], env: NodeJS.ProcessEnv) {
  const data = mkdtempSync(join(tmpdir(), 'papersift-config-'));
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, PAPERSIFT_DATA: data, PAPERSIFT_LOG_LEVEL: '', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the CLI refuses bad configuration before starting anything (exit 2)', () => {
  it.each([
    ['PAPERSIFT_LOG_LEVEL', 'verbose', 'expected fatal, error, warn, info, debug, trace, silent'],
    ['PAPERSIFT_OFFLINE', 'maybe', 'expected 1, true, yes, on or 0, false, no, off'],
    ['PAPERSIFT_CORS_ORIGIN', 'example.org', 'expected *, none, or a comma-separated list of origins'],
    ['PAPERSIFT_CORS_ORIGIN', 'https://example.org/app', 'scheme://host[:port], no path'],
    ['HF_ENDPOINT', 'hf-mirror.com', 'expected an http(s) URL of a Hugging Face Hub mirror'],
    ['PORT', '80a', 'expected an integer in [0, 65535] (flag serve --port)'],
  ])('serve with %s=%s', (name, value, accepted) => {
    const r = cli(['serve', '--no-progress'], { [name]: value });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe(''); // never got as far as listening
    expect(r.stderr).toContain(`${name}=${JSON.stringify(value)} is not accepted: `);
    expect(r.stderr).toContain(accepted);
  });

  it('names the flag when the bad value came from one, and lists every problem at once', () => {
    const r = cli(['--log-level', 'loud', 'index'], { PAPERSIFT_HNSW_EF: '5', PAPERSIFT_DTYPE: 'int4' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--log-level="loud" is not accepted: expected fatal, error, warn');
    expect(r.stderr).toContain('PAPERSIFT_HNSW_EF="5" is not accepted: expected an integer in [10, 2000]');
    expect(r.stderr).toContain('PAPERSIFT_DTYPE="int4" is not accepted: expected q8, fp32, fp16, q4');
    expect(r.stderr).not.toMatch(/at \w+ \(/); // a message, not a stack trace
  });

  it('the reindex command too (its exit code 2 means invalid flags or configuration)', () => {
    const r = cli(['reindex', '--no-progress'], { PAPERSIFT_EMBEDDER: 'not a model' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('PAPERSIFT_EMBEDDER="not a model" is not accepted: expected auto, static, or a model id like Xenova/multilingual-e5-small (flag --embedder)');
  });
});

describe('loadConfig', () => {
  it('accepts the documented forms', () => {
    const c = loadConfig({}, {
      PAPERSIFT_OFFLINE: 'Yes',
      PAPERSIFT_CORS_ORIGIN: 'https://a.example, http://localhost:3000',
      PAPERSIFT_LOG_LEVEL: 'debug',
      HF_ENDPOINT: 'https://hf-mirror.com',
      PAPERSIFT_LOCAL_MODELS: 'some/models',
      PAPERSIFT_HNSW_M: ' 32 ',
      PAPERSIFT_API_KEY: 'k',
    });
    expect(c).toMatchObject({ offline: true, logLevel: 'debug', hfEndpoint: 'https://hf-mirror.com', localModels: resolve('some/models'), apiKey: 'k' });
    expect(c.hnsw.M).toBe(32);
    expect(c.corsOrigin).toBe('https://a.example, http://localhost:3000');
  });

  it('treats empty variables as unset and gives the defaults', () => {
    const c = loadConfig({}, { PAPERSIFT_LOG_LEVEL: '', PORT: '', PAPERSIFT_API_KEY: '', HF_ENDPOINT: '' });
    expect(c).toMatchObject({ logLevel: 'warn', port: 8787, embedder: 'auto', offline: false, corsOrigin: '*' });
    expect(c).not.toHaveProperty('apiKey');
    expect(c).not.toHaveProperty('hfEndpoint');
  });

  it('checks overrides too, naming the variable when no flag sets it', () => {
    const err = (() => {
      try {
        loadConfig({ maxLimit: 0, corsOrigin: 'ftp://x.example' }, {});
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err!.exitCode).toBe(2);
    expect(err!.problems).toEqual([
      expect.stringMatching(/^PAPERSIFT_CORS_ORIGIN="ftp:\/\/x.example" is not accepted/),
      'PAPERSIFT_MAX_LIMIT=0 is not accepted: expected an integer in [1, 100]',
    ]);
  });
});
