import { readRegularFile } from '../../core/read-file.js';
import { parseDocument } from 'yaml';
import { parseYamlSource } from '../../core/yaml-source.js';
import { checkShape } from '../../core/schema-check.js';
import { fillDefaults } from '../../core/ajv.js';
import { checkFirewallModel } from '../../profiles/rules/firewall.js';
import { locate } from '../../profiles/load.js';
import { issueAt, sortIssues, type Finding, type Issue } from '../../core/issue.js';
import { parsePortSpec } from '../../profiles/firewall/ports.js';
import { portCollisions } from '../../profiles/firewall/services.js';
import { FirewallFileSchema, type FirewallFile } from '../../profiles/firewall/node-file.js';

export type ModelLoad = { ok: true; model: FirewallFile; text: string } | { ok: false; issues: Issue[] };

/** Reads /etc/debvisor/firewall.yaml with the same schema, checks and positions as profiles. */
export function parseFirewallFile(file: string, text: string): ModelLoad {
  const parsed = parseYamlSource(file, text);
  if (!parsed.ok) return parsed;
  const doc = parsed.doc;
  const shape = checkShape(doc.data, FirewallFileSchema);
  const model = fillDefaults(structuredClone(doc.data), FirewallFileSchema) as FirewallFile;
  let meaning: Finding[] = [];
  if (!shape.length) {
    meaning = checkFirewallModel(model.firewall, '/firewall', model.services);
    model.services.forEach((s, i) => {
      const r = parsePortSpec(s.ports);
      if (!r.ok) meaning.push({ path: `/services/${i}/ports`, code: 'E_FW_PORT', message: r.reason, hint: 'ports are 1-65535: 22, 80,443 or 5900-5999' });
    });
    // Two services on one port: the port would be opened under the wider access class of the two.
    for (const [a, b] of portCollisions(model.services)) {
      const [x, y] = [model.services[a]!, model.services[b]!];
      meaning.push({ path: `/services/${b}/ports`, code: 'E_PORT_COLLISION', message: `${y.name} (${y.proto} ${y.ports}) uses the same port as ${x.name} (${x.proto} ${x.ports})`, hint: 'give each service its own port (set them in the profile and render again)' });
    }
  }
  const issues = [...shape, ...meaning].map((f) => issueAt(locate([doc], f.path), f));
  return issues.length ? { ok: false, issues: sortIssues(issues) } : { ok: true, model, text };
}

export function loadFirewallFile(file: string): ModelLoad {
  let text: string;
  try {
    text = readRegularFile(file);
  } catch (err) {
    return { ok: false, issues: [{ file, line: 1, col: 1, path: '', code: 'E_READ', message: `cannot read the firewall model: ${(err as Error).message}`, hint: 'it is written at install by `debvisor render`' }] };
  }
  return parseFirewallFile(file, text);
}

/** The model text with `firewall.lockdown` set, comments and layout kept. */
export function withLockdown(text: string, on: boolean): string {
  const doc = parseDocument(text);
  doc.setIn(['firewall', 'lockdown'], on);
  return doc.toString({ lineWidth: 0 });
}
