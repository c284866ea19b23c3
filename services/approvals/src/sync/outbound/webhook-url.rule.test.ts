import { describe, expect, it } from '@jest/globals';
import { checkWebhookUrl, isInternalAddress } from './webhook-url.rule.ts';

const open = { allowHttpHosts: new Set<string>() };
const local = { allowHttpHosts: new Set(['localhost', '127.0.0.1']) };

describe('checkWebhookUrl', () => {
  it('takes an https address and answers it normalised', () => {
    expect(checkWebhookUrl('https://motcua.hatinh.gov.vn/ansinh/webhooks?k=1', open)).toEqual({
      ok: true,
      url: 'https://motcua.hatinh.gov.vn/ansinh/webhooks?k=1',
      host: 'motcua.hatinh.gov.vn',
    });
    expect(checkWebhookUrl('HTTPS://MotCua.HaTinh.gov.vn:8443', open)).toMatchObject({
      ok: true,
      url: 'https://motcua.hatinh.gov.vn:8443/',
    });
  });

  it('takes plain http and addresses inside the network only for listed hosts', () => {
    expect(checkWebhookUrl('http://motcua.hatinh.gov.vn/hook', open)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/https/),
    });
    expect(checkWebhookUrl('http://localhost:4500/hook', local)).toMatchObject({ ok: true });
    expect(checkWebhookUrl('https://127.0.0.1:4500/hook', local)).toMatchObject({ ok: true });
    for (const url of [
      'https://localhost/hook',
      'https://127.0.0.1/hook',
      'https://10.1.2.3/',
      'https://169.254.169.254/latest/meta-data',
      'https://[::1]/',
      'https://[::ffff:10.0.0.1]/',
      'https://192.168.1.1/',
      'https://api.localhost/',
    ]) {
      expect(checkWebhookUrl(url, open)).toMatchObject({
        ok: false,
        message: expect.stringMatching(/nội bộ/),
      });
    }
  });

  it('refuses credentials, fragments, other schemes, spaces, nonsense and overlong addresses', () => {
    expect(checkWebhookUrl('https://user:pass@motcua.gov.vn/', open)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/mật khẩu/),
    });
    expect(checkWebhookUrl('https://user@motcua.gov.vn/', open)).toMatchObject({ ok: false });
    expect(checkWebhookUrl('https://motcua.gov.vn/#x', open)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/#/),
    });
    expect(checkWebhookUrl('https://motcua.gov.vn/#', open)).toMatchObject({ ok: false });
    for (const url of [
      'ftp://motcua.gov.vn/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'data:text/plain,x',
      'gopher://x/',
    ]) {
      expect(checkWebhookUrl(url, local)).toMatchObject({
        ok: false,
        message: expect.stringMatching(/https/),
      });
    }
    expect(checkWebhookUrl('https://motcua.gov.vn/a b', open)).toMatchObject({ ok: false });
    expect(checkWebhookUrl('motcua.gov.vn/hook', open)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/URL/),
    });
    expect(checkWebhookUrl('', open)).toMatchObject({ ok: false });
    expect(checkWebhookUrl(`https://motcua.gov.vn/${'a'.repeat(2_000)}`, open)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/2\.000/),
    });
    expect(checkWebhookUrl(`https://motcua.gov.vn/${'a'.repeat(1_970)}`, open)).toMatchObject({ ok: true });
  });
});

describe('isInternalAddress', () => {
  it('knows loopback, private, link-local, CGNAT, multicast and their IPv6 forms', () => {
    for (const address of [
      '127.0.0.1',
      '10.0.0.1',
      '172.31.255.255',
      '192.168.0.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
      '::1',
      '::',
      'fd00::1',
      'fe80::1',
      '::ffff:127.0.0.1',
      '[::1]',
    ])
      expect(isInternalAddress(address)).toBe(true);
    for (const address of ['8.8.8.8', '203.113.131.1', '172.32.0.1', '2001:4860:4860::8888', 'motcua.gov.vn'])
      expect(isInternalAddress(address)).toBe(false);
  });

  it('refuses IPv6 addresses that tunnel to an IPv4 one, and judges a mapped one by its IPv4', () => {
    for (const address of [
      '::127.0.0.1', // IPv4-compatible (::/96)
      '::7f00:1',
      '::8.8.8.8',
      '::ffff:127.0.0.1', // IPv4-mapped (::ffff:0:0/96), in either spelling, as its IPv4
      '::ffff:7f00:1',
      '::ffff:a00:1',
      '2002:7f00:1::1', // 6to4 (2002::/16)
      '2002:808:808::1',
      '64:ff9b::808:808', // NAT64
    ])
      expect(isInternalAddress(address)).toBe(true);
    // Just outside those ranges, and a public IPv4 address mapped.
    for (const address of [
      '::1:0:0:0',
      '::fffe:808:808',
      '2003::1',
      '2001:4860:4860::8844',
      '::ffff:808:808',
    ])
      expect(isInternalAddress(address)).toBe(false);
  });

  it('keeps a webhook URL off them, in the form the URL parser writes them', () => {
    for (const url of ['https://[::127.0.0.1]/', 'https://[::ffff:127.0.0.1]/', 'https://[2002:a00:1::]/'])
      expect(checkWebhookUrl(url, open)).toMatchObject({
        ok: false,
        message: expect.stringMatching(/nội bộ/),
      });
  });
});
