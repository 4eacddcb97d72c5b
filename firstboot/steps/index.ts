import { clusterStep } from '../../cluster/firstboot-step.js';
import type { Profile } from '../../profiles/schema/profile.js';
import type { FirstbootStep } from '../step.js';
import type { StepTools } from '../tools.js';
import { certificateStep } from './certificate.js';
import { dnsStep } from './dns.js';
import { handoffStep } from './handoff.js';
import { hookSteps } from './hooks.js';
import { uniqueStep } from './unique.js';

/**
 * The cluster steps (cluster/firstboot-step.ts): they run after the certificate and before the
 * `fully-up` hooks. Joining is `kind: 'remote'`, so an unreachable member leaves the node
 * `ready (degraded)` instead of holding back the hand-off; founding is local. Tests pass their
 * own list (a cluster step on a private /run).
 */
export const CLUSTER_STEPS: ((profile: Profile, tools: StepTools) => FirstbootStep)[] = [(profile) => clusterStep(profile)];

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
