import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The webhook's contract, pure: how a delivery is signed and how long to wait before a retry.
 * A receiver checks `X-DebVisor-Signature` against the raw body with the shared secret
 * (install.progress.webhook.secret); the body carries the install id and a sequence number, so
 * the signature covers them and a replayed delivery is recognisable (docs/install.md).
 */
export const SIGNATURE_HEADER = 'X-DebVisor-Signature';
/** `<install id>/<seq>`: the same for every retry of one event; a receiver keeps the ones it has seen. */
export const DELIVERY_HEADER = 'X-DebVisor-Delivery';
/** Unix seconds of the event (its `time`, which the signature covers); a receiver refuses old ones. */
export const TIMESTAMP_HEADER = 'X-DebVisor-Timestamp';

/** `sha256=<hex HMAC-SHA256 of the body>`. */
export function signBody(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** True when `header` is the body's signature with this secret (compared in constant time). */
export function verifySignature(secret: string, body: string | Buffer, header: string | undefined): boolean {
  if (!header) return false;
  const want = Buffer.from(signBody(secret, body));
  const got = Buffer.from(header);
  return want.length === got.length && timingSafeEqual(want, got);
}

export interface Backoff {
  /** Delay before the first retry's ceiling (ms). */
  baseMs: number;
  /** Largest ceiling (ms). */
  capMs: number;
}

export const WEBHOOK_BACKOFF: Backoff = { baseMs: 250, capMs: 15_000 };

/**
 * Exponential backoff with full jitter: a uniform wait in [0, min(cap, base * 2^attempt)),
 * attempt 0 being the first retry. Jitter keeps a rack of installing nodes from retrying together.
 */
export function backoffDelay(attempt: number, random: () => number, b: Backoff = WEBHOOK_BACKOFF): number {
  const ceiling = Math.min(b.capMs, b.baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(Math.min(Math.max(random(), 0), 0.999_999) * ceiling);
}

/** Statuses worth trying again: the server was busy or failing, not refusing this request. */
export function retryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}
