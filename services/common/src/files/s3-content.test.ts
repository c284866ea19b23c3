import { describe, expect, it } from '@jest/globals';
import { parseFileStoreUrl } from './s3-content.ts';

describe('parseFileStoreUrl', () => {
  it('reads the bucket, prefix, endpoint, region, path style and credentials', () => {
    expect(
      parseFileStoreUrl(
        's3://key%2B1:s%40cret@ansinh-files/tinh-42/?endpoint=http://127.0.0.1:9000&region=ap-southeast-1&forcePathStyle=true',
      ),
    ).toEqual({
      bucket: 'ansinh-files',
      prefix: 'tinh-42/',
      endpoint: 'http://127.0.0.1:9000',
      region: 'ap-southeast-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'key+1', secretAccessKey: 's@cret' },
    });
  });

  it('defaults to AWS itself: no endpoint, us-east-1, virtual-host style, the SDK’s credentials', () => {
    expect(parseFileStoreUrl('s3://ansinh-files')).toEqual({
      bucket: 'ansinh-files',
      prefix: '',
      endpoint: undefined,
      region: 'us-east-1',
      forcePathStyle: false,
      credentials: undefined,
    });
  });

  it.each([
    ['not a URL', 'ansinh-files', /not a URL/],
    ['another scheme', 'https://ansinh-files', /s3:\/\//],
    ['a bad bucket', 's3://A_B', /bucket/],
    ['an unknown parameter', 's3://ansinh-files?acl=public-read', /unknown parameter "acl"/],
    ['an endpoint that is not http', 's3://ansinh-files?endpoint=file:///etc', /endpoint/],
    ['a key without its secret', 's3://key@ansinh-files', /secret/],
    ['a path style that is not a boolean', 's3://ansinh-files?forcePathStyle=yes', /forcePathStyle/],
  ])('refuses %s, without showing the secret', (_label, url, message) => {
    expect(() => parseFileStoreUrl(url)).toThrow(message);
    try {
      parseFileStoreUrl('s3://key:TOPSECRET@A_B');
    } catch (error) {
      expect((error as Error).message).not.toContain('TOPSECRET');
    }
  });
});
