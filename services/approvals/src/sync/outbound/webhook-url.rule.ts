import { BlockList, isIP } from 'node:net';

/** The longest webhook address taken. */
export const MAX_WEBHOOK_URL_LENGTH = 2000;

/**
 * Addresses a webhook may not reach unless its host is listed in WEBHOOK_ALLOW_HTTP_HOSTS: loopback,
 * private networks, link-local (cloud metadata), carrier-grade NAT, multicast and reserved ranges. A
 * province's system is on the internet (or on a network its administrator lists); a webhook aimed
 * inside Ansinh's own network would make the deliverer a way in.
 */
const INTERNAL = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const)
  INTERNAL.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  // ::/96 holds the unspecified address, loopback (::1) and the IPv4-compatible addresses. Those
  // that carry an IPv4 address inside (IPv4-compatible, 6to4, NAT64) reach whatever it is, so they
  // are refused whole: a receiver is given by its own IPv4 or native IPv6 address. (An IPv4-mapped
  // address, ::ffff:0:0/96, is the IPv4 address itself: BlockList judges it by the IPv4 ranges.)
  ['::', 96],
  ['2002::', 16],
  ['64:ff9b::', 96],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  INTERNAL.addSubnet(network, prefix, 'ipv6');

/** Whether `address` (an IP literal) lies in a range a webhook may not reach. */
export function isInternalAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '');
  const family = isIP(bare);
  if (family === 4) return INTERNAL.check(bare, 'ipv4');
  return family === 6 && INTERNAL.check(bare, 'ipv6');
}

export type WebhookUrlPolicy = {
  /** Hosts (lower case) that may be reached over plain http, and inside the network: WEBHOOK_ALLOW_HTTP_HOSTS. */
  allowHttpHosts: ReadonlySet<string>;
};

export type WebhookUrlResult = { ok: true; url: string; host: string } | { ok: false; message: string };

/** The host as the allow list names it: lower case, an IPv6 literal without its brackets. */
export const hostOf = (url: URL): string => url.hostname.toLowerCase().replace(/^\[|\]$/g, '');

/**
 * A webhook address a province registers: an absolute https URL (http only to a listed host), no user
 * or password in it (the secret signs; credentials in a URL end up in logs), no fragment, at most
 * 2,000 characters, and not inside the network unless listed. Answers the normalised URL.
 */
export function checkWebhookUrl(text: string, policy: WebhookUrlPolicy): WebhookUrlResult {
  if (text.length === 0) return { ok: false, message: 'Hãy nhập địa chỉ nhận sự kiện (URL).' };
  if (text.length > MAX_WEBHOOK_URL_LENGTH)
    return {
      ok: false,
      message: `Địa chỉ nhận sự kiện dài quá ${MAX_WEBHOOK_URL_LENGTH.toLocaleString('vi-VN')} ký tự.`,
    };
  if (/\s/.test(text)) return { ok: false, message: 'Địa chỉ nhận sự kiện không được chứa khoảng trắng.' };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, message: 'Địa chỉ nhận sự kiện không phải một URL hợp lệ (https://...).' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return { ok: false, message: 'Địa chỉ nhận sự kiện phải dùng giao thức https.' };
  if (url.username !== '' || url.password !== '')
    return {
      ok: false,
      message:
        'Địa chỉ nhận sự kiện không được chứa tên đăng nhập hay mật khẩu: sự kiện được ký bằng khóa bí mật.',
    };
  if (url.hash !== '' || text.includes('#'))
    return { ok: false, message: 'Địa chỉ nhận sự kiện không được chứa phần neo (#).' };
  const host = hostOf(url);
  if (host === '') return { ok: false, message: 'Địa chỉ nhận sự kiện thiếu tên máy chủ.' };
  const listed = policy.allowHttpHosts.has(host);
  if (url.protocol === 'http:' && !listed)
    return {
      ok: false,
      message: 'Địa chỉ nhận sự kiện phải dùng https (http chỉ dành cho máy chủ được cấu hình cho phép).',
    };
  if (!listed && (isInternalAddress(host) || host === 'localhost' || host.endsWith('.localhost')))
    return { ok: false, message: 'Địa chỉ nhận sự kiện trỏ vào mạng nội bộ: không được phép.' };
  if (url.href.length > MAX_WEBHOOK_URL_LENGTH)
    return {
      ok: false,
      message: `Địa chỉ nhận sự kiện dài quá ${MAX_WEBHOOK_URL_LENGTH.toLocaleString('vi-VN')} ký tự.`,
    };
  return { ok: true, url: url.href, host };
}
