/**
 * Inbound accept rules that match every port from everywhere, found in ruleset text (as compiled,
 * or as `nft list table` prints it). The profile checks refuse them unless written as
 * `proto: any`; the audit reports any that reach a node, whatever wrote them.
 */

/** Chains packets to the node pass through: the input hook and the chains it jumps to. */
const INBOUND_CHAIN = /^(input|.*_in)$/;
/** With only this left besides the verdict, a rule accepts every port of a protocol (or everything). */
const WIDE_MATCH = /^(|meta l4proto (tcp|udp|sctp|6|17|132)|ip protocol (tcp|udp|sctp)|ip6 nexthdr (tcp|udp|sctp))$/;

export interface OpenAccept {
  chain: string;
  rule: string;
}

export function findOpenAccepts(ruleset: string): OpenAccept[] {
  const out: OpenAccept[] = [];
  let chain: string | undefined;
  for (const raw of ruleset.split('\n')) {
    const line = raw.trim();
    const open = /^chain (\S+) \{$/.exec(line);
    if (open) {
      chain = open[1];
      continue;
    }
    if (line === '}') {
      chain = undefined;
      continue;
    }
    if (!chain || !INBOUND_CHAIN.test(chain)) continue;
    const match = line.replace(/\s*# handle \d+$/, '').replace(/\s*comment "[^"]*"$/, '');
    if (!/(^|\s)accept$/.test(match)) continue;
    const rest = match
      .replace(/(^|\s)accept$/, '')
      .replace(/(^|\s)counter( packets \d+ bytes \d+)?/g, '')
      .trim();
    if (WIDE_MATCH.test(rest)) out.push({ chain, rule: line });
  }
  return out;
}
