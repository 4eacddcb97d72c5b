import { listeningPorts, portCollisions } from '../firewall/services.js';
import { finding, type Rule } from './types.js';
import type { Finding } from '../../core/issue.js';

/**
 * Two daemons cannot listen on one port: the second fails to start, or (SSH on the panel's port)
 * the firewall opens one service under the other's access class. Every listening port of the
 * node is cross-checked; each configurable key of a colliding pair gets the finding.
 */
export const checkPorts: Rule = (p) => {
  const list = listeningPorts(p);
  const out: Finding[] = [];
  for (const [a, b] of portCollisions(list)) {
    // Either side may be the one the profile set: name the pair at each configurable key.
    for (const [mine, other] of [
      [list[a]!, list[b]!],
      [list[b]!, list[a]!],
    ] as const) {
      if (!mine.path) continue;
      out.push(
        finding(
          mine.path,
          'E_PORT_COLLISION',
          `${mine.name} (${mine.proto} ${mine.ports}) uses the same port as ${other.name} (${other.proto} ${other.ports})`,
          other.path ? `give ${mine.name} and ${other.name} different ports` : `${other.name} always uses ${other.ports}: choose a port outside it`,
        ),
      );
    }
  }
  return out;
};
