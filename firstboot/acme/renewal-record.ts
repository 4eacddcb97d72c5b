/**
 * What the renewal timer and status remember between runs (renewal.json). Apart from ensure.ts so
 * that status and `cert status` read it without loading the ACME client (seconds of a first boot
 * under emulation).
 */
import { at, readJson } from '../atomic.js';
import { RENEWAL_FILE } from '../paths.js';
import type { AriRecord } from './ari.js';
import type { DueSource } from './cert-info.js';

export interface RenewalRecord {
  lastAttemptAt?: string;
  lastSuccessAt?: string;
  lastError?: { code: string; message: string; hint?: string };
  nextDueAt?: string;
  /** What decided nextDueAt: the CA's ARI window, or two thirds of the lifetime (no renewalInfo, or ARI failed). */
  dueSource?: DueSource;
  /** The CA's last ARI answer (or why there is none) for the certificate in place. */
  ari?: AriRecord;
  /** The ACME profile the profile asked for (tls.acme.profile) at the last check. */
  profile?: string;
  /** The ACME profile the order of the certificate in place carried. */
  orderedProfile?: string;
}

export const readRenewal = (root: string): RenewalRecord => readJson<RenewalRecord>(at(root, RENEWAL_FILE)) ?? {};
