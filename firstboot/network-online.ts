import type { Emitter } from '../core/events.js';
import type { StepTools } from './tools.js';

/** How long first boot waits for the network before its steps go on without it (remote ones then retry). */
export const NETWORK_ONLINE_WAIT_MS = 10 * 60_000;

/**
 * Waits for network-online.target. The unit starts beside the network's bring-up, not after it,
 * so the tool's own start (seconds on a small or emulated node) overlaps the wait for the links
 * and the DHCP lease; the steps still begin only once the network is up. A start job for the
 * target joins the boot's and returns when the target is reached: one blocked `systemctl`, no
 * polling. When it fails or times out the steps go on, as a unit ordered after the target would
 * have: remote steps retry and the node reaches `ready (degraded)`.
 */
export async function waitForNetworkOnline(tools: Pick<StepTools, 'systemctl'>, emit: Emitter, timeoutMs = NETWORK_ONLINE_WAIT_MS): Promise<void> {
  try {
    await tools.systemctl(['start', 'network-online.target'], { timeoutMs });
  } catch (err) {
    emit.warn(`network-online.target was not reached (${(err as Error).message.split('\n')[0]}); the steps go on and the remote ones retry`);
  }
}
