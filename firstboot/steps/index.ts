import type { Profile } from '../../profiles/schema/profile.js';
import type { FirstbootStep } from '../step.js';
import type { StepTools } from '../tools.js';
import { certificateStep } from './certificate.js';
import { dnsStep } from './dns.js';
import { handoffStep } from './handoff.js';
import { hookSteps } from './hooks.js';
import { uniqueStep } from './unique.js';

/**
 * THE PLACE FOR THE CLUSTER STEP: the cluster issue's step factories go in this array (each
 * gets the profile and the tools). They run after the certificate and before the `fully-up`
 * hooks; a cluster step is `kind: 'remote'` when it talks to peers, so an unreachable peer
 * leaves the node `ready (degraded)` instead of holding back the hand-off.
 */
export const CLUSTER_STEPS: ((profile: Profile, tools: StepTools) => FirstbootStep)[] = [];

/** The first-boot steps in order: what the state machine runs. */
export function firstbootSteps(profile: Profile, tools: StepTools, cluster = CLUSTER_STEPS): FirstbootStep[] {
  return [
    ...hookSteps(profile, 'before-network', tools),
    uniqueStep(tools),
    ...hookSteps(profile, 'network-online', tools),
    dnsStep(tools),
    certificateStep(tools),
    ...cluster.map((make) => make(profile, tools)),
    ...hookSteps(profile, 'fully-up', tools),
    handoffStep(tools),
  ];
}
