import { describe, expect, it } from '@jest/globals';
import { parseEnv } from '../config/env.ts';
import { fileStoreEnvSchema, fileStoreOptionsOf } from './file-store.config.ts';

const parse = (env: NodeJS.ProcessEnv) => parseEnv('registry', fileStoreEnvSchema, env);

describe('the file store variables', () => {
  it('keep content in PostgreSQL by default, 100 MB per file for 24 hours', () => {
    expect(fileStoreOptionsOf(parse({}))).toEqual({
      maxFileBytes: 100 * 1024 * 1024,
      defaultTtlMs: 24 * 3600_000,
    });
    expect(fileStoreOptionsOf(parse({ FILE_STORE_URL: '  ' }))).not.toHaveProperty('url');
  });

  it('take a bucket, a limit and a keep time', () => {
    const url = 's3://ansinh-files?endpoint=http://127.0.0.1:9000&forcePathStyle=true';
    expect(
      fileStoreOptionsOf(parse({ FILE_STORE_URL: url, FILE_MAX_MB: '2.5', FILE_TTL_HOURS: '1' })),
    ).toEqual({
      url,
      maxFileBytes: 2.5 * 1024 * 1024,
      defaultTtlMs: 3600_000,
    });
  });

  it('name every bad variable at once, never showing the secret', () => {
    let message = '';
    try {
      parse({ FILE_STORE_URL: 'https://key:TOPSECRET@bucket', FILE_MAX_MB: '-1', FILE_TTL_HOURS: 'soon' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/FILE_STORE_URL: must start with s3:\/\//);
    expect(message).toMatch(/FILE_MAX_MB/);
    expect(message).toMatch(/FILE_TTL_HOURS/);
    expect(message).not.toContain('TOPSECRET');
  });
});
