import { finding, type Rule } from './types.js';
import type { Finding } from '../../core/issue.js';

export const checkCluster: Rule = (p) => {
  const out: Finding[] = [];
  const c = p.cluster;
  if (c.role === 'join') {
    const j = c.join;
    if (!j) {
      out.push(
        finding(
          '/cluster/join',
          'E_JOIN_MISSING',
          'role join needs join.endpoint, join.token and join.caPin',
          'get the token and the CA pin on the CA holder with `debvisor cluster token create`; the endpoint is https://THAT-NODE:8443',
        ),
      );
    } else {
      if (!j.endpoint)
        out.push(
          finding('/cluster/join/endpoint', 'E_JOIN_ENDPOINT', 'role join needs the join endpoint of a member', 'for example https://pve1.example.com:8443'),
        );
      if (!j.token)
        out.push(
          finding('/cluster/join/token', 'E_JOIN_TOKEN', 'role join needs a join token', 'issue one on the CA holder with `debvisor cluster token create`'),
        );
      if (!j.caPin)
        out.push(
          finding(
            '/cluster/join/caPin',
            'E_JOIN_CA_PIN',
            'role join needs the cluster CA fingerprint, so the node never trusts an impostor',
            'sha256:<64 hex digits>',
          ),
        );
    }
  } else if (c.join) {
    out.push(
      finding(
        '/cluster/join',
        'E_JOIN_UNUSED',
        `join settings are only used with role: join (role is ${c.role})`,
        'set cluster.role: join or remove cluster.join',
      ),
    );
  }
  if (c.role === 'init' && !c.name) out.push(finding('/cluster/name', 'E_CLUSTER_NAME', 'role init needs a cluster name', 'for example name: prod-1'));
  if (c.role !== 'init' && c.name && c.role === 'standalone')
    out.push(finding('/cluster/name', 'E_CLUSTER_NAME', 'a standalone node has no cluster name', 'set role: init to create a cluster, or remove name'));
  return out;
};
