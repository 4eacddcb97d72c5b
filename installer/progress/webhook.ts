import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:https';
import type { DebvisorEvent, EventSink, Level } from '../../core/events.js';
import { DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, WEBHOOK_BACKOFF, backoffDelay, retryableStatus, signBody, type Backoff } from './signature.js';

/** Events waiting for the endpoint; beyond this the oldest are dropped (and counted), never the install slowed. */
export const WEBHOOK_QUEUE_LIMIT = 1000;
/** Tries per event (the first and its retries). */
export const WEBHOOK_ATTEMPTS = 6;
/** One request's limit: a hung endpoint costs this much per try, in the background. */
export const WEBHOOK_REQUEST_TIMEOUT_MS = 5_000;
/** How long the end of an install waits for the queue to drain. */
export const WEBHOOK_FLUSH_MS = 3_000;

const LEVEL_ORDER: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export interface WebhookOptions {
  url: string;
  /** The HMAC key; without it deliveries carry no signature (receivers should refuse them). */
  secret?: string | undefined;
  /** Extra certificate authorities to trust (PEM), besides Node's own list; for tests and private CAs. */
  ca?: string | undefined;
  /** Events below this level stay off the wire (debug lines are every command's argv). */
  minLevel?: Level;
  /** Identifies this install run in every body; a UUID by default. */
  installId?: string;
  queueLimit?: number;
  attempts?: number;
  requestTimeoutMs?: number;
  backoff?: Backoff;
  random?: () => number;
  userAgent?: string;
}

export interface WebhookStats {
  queued: number;
  delivered: number;
  /** Attempts after the first, over all events. */
  retries: number;
  /** Events given up after every attempt failed. */
  failed: number;
  /** Events dropped because the queue was full, or left when the flush deadline passed. */
  dropped: number;
  /** The last thing that went wrong (no secret: the URL is the profile's, without credentials). */
  lastError?: string;
}

export interface WebhookSink extends EventSink {
  readonly installId: string;
  stats(): WebhookStats;
  /** Waits for the queue to drain, at most `deadlineMs`; then stops (the in-flight request is aborted). */
  flush(deadlineMs?: number): Promise<WebhookStats>;
}

interface Delivery {
  body: string;
  seq: number;
  time: string;
}

/** What goes on the wire: the event with the install id and its sequence number, which the signature then covers. */
export function webhookBody(event: DebvisorEvent, installId: string, seq: number): string {
  return JSON.stringify({ ...event, install: installId, seq });
}

export function webhookHeaders(d: { body: string; seq: number; time: string }, installId: string, secret?: string): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    [DELIVERY_HEADER]: `${installId}/${d.seq}`,
    [TIMESTAMP_HEADER]: String(Math.floor(Date.parse(d.time) / 1000)),
  };
  if (secret) headers[SIGNATURE_HEADER] = signBody(secret, d.body);
  return headers;
}

/**
 * A sink that POSTs each event to an HTTPS endpoint, signed, in order, in the background: `write`
 * only queues. Failures are retried with exponential backoff and full jitter; a slow, failing or
 * dead endpoint never slows the install (the queue is bounded, the end waits a short deadline).
 */
export function webhookSink(opts: WebhookOptions): WebhookSink {
  const installId = opts.installId ?? randomUUID();
  const minLevel = opts.minLevel ?? 'info';
  const limit = opts.queueLimit ?? WEBHOOK_QUEUE_LIMIT;
  const attempts = opts.attempts ?? WEBHOOK_ATTEMPTS;
  const timeoutMs = opts.requestTimeoutMs ?? WEBHOOK_REQUEST_TIMEOUT_MS;
  const random = opts.random ?? Math.random;
  const url = new URL(opts.url);
  // The sink's own connections: its trust (ca) stays its own, and the end of the install closes them.
  const agent = new Agent({ keepAlive: true, maxSockets: 1, ...(opts.ca ? { ca: opts.ca } : {}) });
  const stats: WebhookStats = { queued: 0, delivered: 0, retries: 0, failed: 0, dropped: 0 };
  const queue: Delivery[] = [];
  let seq = 0;
  let closed = false;
  let pumping: Promise<void> | undefined;
  let abortCurrent: (() => void) | undefined;
  const idle: (() => void)[] = [];

  const post = (d: Delivery): Promise<number> =>
    new Promise((resolve, reject) => {
      const headers = { ...webhookHeaders(d, installId, opts.secret), 'user-agent': opts.userAgent ?? 'debvisor-installer' };
      const req = request(url, {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(d.body)) },
        agent,
      });
      const done = () => {
        clearTimeout(timer);
        abortCurrent = undefined;
      };
      const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      abortCurrent = () => req.destroy(new Error('stopped at the end of the install'));
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => {
          done();
          resolve(res.statusCode ?? 0);
        });
        res.on('error', (err) => {
          done();
          reject(err);
        });
      });
      req.on('error', (err) => {
        done();
        reject(err);
      });
      req.end(d.body);
    });

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(finish, ms);
      function finish() {
        clearTimeout(t);
        abortCurrent = undefined;
        resolve();
      }
      abortCurrent = finish;
    });

  const deliver = async (d: Delivery): Promise<void> => {
    for (let attempt = 0; attempt < attempts && !closed; attempt++) {
      if (attempt > 0) {
        stats.retries++;
        await sleep(backoffDelay(attempt - 1, random, opts.backoff ?? WEBHOOK_BACKOFF));
        if (closed) break;
      }
      try {
        const status = await post(d);
        if (status >= 200 && status < 300) {
          stats.delivered++;
          return;
        }
        stats.lastError = `${url.origin}${url.pathname} answered ${status}`;
        if (!retryableStatus(status)) break;
      } catch (err) {
        // Our own stop at the end of the install is not what went wrong: the error before it (if any) says more.
        if (!(closed && stats.lastError)) stats.lastError = `${url.origin}${url.pathname}: ${(err as Error).message}`;
      }
    }
    if (closed) stats.dropped++;
    else stats.failed++;
  };

  const pump = async () => {
    while (queue.length && !closed) {
      const d = queue.shift()!;
      await deliver(d);
    }
    pumping = undefined;
    for (const f of idle.splice(0)) f();
  };

  return {
    installId,
    write(event) {
      if (closed || LEVEL_ORDER[event.level] < LEVEL_ORDER[minLevel]) return;
      seq++;
      queue.push({ body: webhookBody(event, installId, seq), seq, time: event.time });
      stats.queued++;
      if (queue.length > limit) {
        queue.shift();
        stats.dropped++;
      }
      pumping ??= pump();
    },
    stats: () => ({ ...stats }),
    async flush(deadlineMs = WEBHOOK_FLUSH_MS) {
      if (pumping && !closed) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          new Promise<void>((resolve) => idle.push(resolve)),
          new Promise<void>((resolve) => {
            timer = setTimeout(resolve, deadlineMs);
          }),
        ]);
        clearTimeout(timer);
      }
      closed = true;
      stats.dropped += queue.length;
      queue.length = 0;
      abortCurrent?.();
      if (pumping) await pumping;
      agent.destroy();
      return { ...stats };
    },
  };
}
