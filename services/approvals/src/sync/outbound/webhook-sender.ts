import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { rootCertificates } from 'node:tls';
import type { AttemptResult } from './delivery.rules.ts';
import { hostOf, isInternalAddress } from './webhook-url.rule.ts';

/** How much of a receiver's answer is read: enough for an error message, never a whole large body. */
const MAX_RESPONSE_BYTES = 64 * 1024;
const ERROR_SNIPPET_CHARS = 200;

export type WebhookRequest = { url: string; body: string; headers: Readonly<Record<string, string>> };

export type WebhookSender = {
  send(request: WebhookRequest): Promise<AttemptResult>;
  close(): void;
};

export type WebhookSenderOptions = {
  timeoutMs: number;
  /** Connections kept open per receiver (keep-alive): the deliveries in flight at most. */
  concurrency: number;
  /** PEM certificates trusted besides the system's (WEBHOOK_CA_FILE). */
  extraCertificates?: string | undefined;
  /** Hosts that may be reached over http and inside the network (WEBHOOK_ALLOW_HTTP_HOSTS). */
  allowHttpHosts: ReadonlySet<string>;
};

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

const refusedAddress = (hostname: string) =>
  Object.assign(new Error(`${hostname} resolves inside the network; not a webhook destination`), {
    code: 'EINTERNAL',
  });

/**
 * DNS resolution that refuses addresses inside the network, checked at connect time rather than at
 * registration, so that a name re-pointed later (DNS rebinding) cannot reach in either.
 */
function guardedLookup(allowHttpHosts: ReadonlySet<string>) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    const listed = allowHttpHosts.has(hostname.toLowerCase());
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const list = addresses as LookupAddress[];
      if (!listed && list.some((entry) => isInternalAddress(entry.address)))
        return callback(refusedAddress(hostname), []);
      if (options.all) return callback(null, list);
      const first = list[0];
      if (!first)
        return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), []);
      callback(null, first.address, first.family);
    });
  };
}

/** Why a request failed, short and without the receiver's internals. */
function describeError(error: unknown, timedOut: boolean, timeoutMs: number): string {
  if (timedOut) return `no answer within ${timeoutMs} ms`;
  const { code, message } = error as NodeJS.ErrnoException;
  return (code ? `${code}: ${message}` : message).slice(0, 300);
}

/**
 * Sends webhook POSTs over keep-alive connections (one agent per protocol, sockets per receiver
 * bounded), trusting WEBHOOK_CA_FILE beside the system's certificates. An answer counts when its
 * status arrives within the time-out; at most 64 KiB of its body is read (for a failure's message),
 * and a longer one is cut off. Redirects are not followed: a 3xx is a failure.
 */
export function createWebhookSender(options: WebhookSenderOptions): WebhookSender {
  const lookup = guardedLookup(options.allowHttpHosts);
  const agentOptions = {
    keepAlive: true,
    maxSockets: options.concurrency,
    maxFreeSockets: options.concurrency,
    scheduling: 'lifo' as const,
  };
  const httpAgent = new http.Agent(agentOptions);
  const httpsAgent = new https.Agent({
    ...agentOptions,
    ...(options.extraCertificates ? { ca: [...rootCertificates, options.extraCertificates] } : {}),
  });

  const send = (request: WebhookRequest): Promise<AttemptResult> => {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return Promise.resolve({ error: 'invalid URL' });
    }
    const host = hostOf(url);
    const listed = options.allowHttpHosts.has(host);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && listed))
      return Promise.resolve({ error: 'https required' });
    if (url.username || url.password) return Promise.resolve({ error: 'credentials in URL refused' });
    // An IP literal never goes through the lookup.
    if (!listed && isIP(host) && isInternalAddress(host))
      return Promise.resolve({ error: 'EINTERNAL: address inside the network' });

    return new Promise<AttemptResult>((resolve) => {
      let settled = false;
      let timedOut = false;
      let status: number | undefined;
      let snippet = '';
      const finish = (result: AttemptResult) => {
        if (settled) return;
        settled = true;
        resolve(result);
      };
      // The receiver's words help whoever reads a dead letter: a few, as text.
      const answered = () =>
        finish(
          snippet ? { status: status!, detail: snippet.replace(/\s+/g, ' ').trim() } : { status: status! },
        );
      const transport = url.protocol === 'https:' ? https : http;
      const outgoing = transport.request(url, {
        method: 'POST',
        agent: url.protocol === 'https:' ? httpsAgent : httpAgent,
        lookup,
        headers: { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) },
      });
      // Covers the whole exchange, body included: a receiver that trickles its answer loses the socket.
      const timer = setTimeout(() => {
        timedOut = true;
        outgoing.destroy(new Error('timeout'));
      }, options.timeoutMs);
      outgoing.on('close', () => clearTimeout(timer));
      outgoing.on('error', (error) =>
        status === undefined
          ? finish({ error: describeError(error, timedOut, options.timeoutMs) })
          : answered(),
      );
      outgoing.on('response', (response) => {
        status = response.statusCode ?? 0;
        // Success is the status: the rest of the body is read (to keep the connection) but not waited for.
        if (status >= 200 && status < 300) answered();
        let received = 0;
        response.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (snippet.length < ERROR_SNIPPET_CHARS)
            snippet = (
              snippet + chunk.toString('utf8', 0, Math.min(chunk.length, ERROR_SNIPPET_CHARS))
            ).slice(0, ERROR_SNIPPET_CHARS);
          if (received > MAX_RESPONSE_BYTES) {
            response.destroy();
            answered();
          }
        });
        response.on('end', answered);
        response.on('close', answered);
        response.on('error', answered);
      });
      outgoing.end(request.body);
    });
  };

  return {
    send,
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}
