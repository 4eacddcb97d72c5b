import { run } from '../core/run.js';
import { certInfo } from './ca.js';
import { readNode } from './files.js';
import { CLUSTER_FILES } from './paths.js';
import { requireState, type Member } from './state.js';

export interface Quorum {
  running: boolean;
  quorate: boolean;
  totalVotes?: number;
  expectedVotes?: number;
  /** corosync's view of the members it hears (node ids). */
  nodeIds: number[];
}

export interface ClusterStatus {
  name: string;
  configVersion: number;
  members: Member[];
  quorum: Quorum;
  /** `corosync-cfgtool -n`: one line per peer with its link state. */
  links: string[];
  certificate?: { serial: string; notAfter: string };
  caNotAfter?: string;
  caHolder: string;
}

/** Reads `corosync-quorumtool -s` (exit 0 quorate, 2 not; anything else: not running). */
export function parseQuorum(text: string, exitCode: number): Quorum {
  const num = (label: string) => {
    const m = new RegExp(`^${label}:\\s+(\\d+)`, 'm').exec(text);
    return m ? Number(m[1]) : undefined;
  };
  const nodeIds: number[] = [];
  const list = text.split(/Membership information\n-+\n/)[1] ?? '';
  for (const line of list.split('\n')) {
    const m = /^\s*(\d+)\s+\d+\s/.exec(line);
    if (m) nodeIds.push(Number(m[1]));
  }
  return {
    running: exitCode === 0 || exitCode === 2,
    quorate: exitCode === 0 && /^Quorate:\s+Yes/m.test(text),
    totalVotes: num('Total votes'),
    expectedVotes: num('Expected votes'),
    nodeIds,
  };
}

/** Nodeid column as hex (0x00000001) in quorumtool's default listing. */
function fixHexIds(text: string): string {
  return text.replace(/^\s*0x([0-9a-f]+)/gim, (_, h: string) => String(Number.parseInt(h, 16)));
}

export async function clusterStatus(root: string): Promise<ClusterStatus> {
  const s = requireState(root);
  const q = await run(['corosync-quorumtool', '-s', '-i'], { allowFailure: true, timeoutMs: 10_000 });
  const n = await run(['corosync-cfgtool', '-n'], { allowFailure: true, timeoutMs: 10_000 });
  const cert = readNode(root, CLUSTER_FILES.nodeCert);
  const ca = readNode(root, CLUSTER_FILES.caCert);
  return {
    name: s.name,
    configVersion: s.configVersion,
    members: s.members,
    caHolder: s.caHolder,
    quorum: parseQuorum(fixHexIds(q.stdout), q.exitCode),
    links: n.exitCode === 0 ? n.stdout.split('\n').filter((l) => l.trim()) : [],
    certificate: cert ? { serial: certInfo(cert).serial, notAfter: certInfo(cert).notAfter } : undefined,
    caNotAfter: ca ? certInfo(ca).notAfter : undefined,
  };
}
