import { parseDocument } from 'yaml';
import { checkYamlFile, checkYamlText, type Checked, type CheckedYamlKind } from '../../core/checked-yaml.js';
import type { Finding, Issue } from '../../core/issue.js';
import { checkFirewallModel } from '../../profiles/rules/firewall.js';
import { parsePortSpec } from '../../profiles/firewall/ports.js';
import { portCollisions } from '../../profiles/firewall/services.js';
import { FirewallFileSchema, type FirewallFile } from '../../profiles/firewall/node-file.js';

export type ModelLoad = { ok: true; model: FirewallFile; text: string } | { ok: false; issues: Issue[] };

function servicePorts(model: FirewallFile): Finding[] {
  const out: Finding[] = [];
  model.services.forEach((s, i) => {
    const r = parsePortSpec(s.ports);
    if (!r.ok) out.push({ path: `/services/${i}/ports`, code: 'E_FW_PORT', message: r.reason, hint: 'ports are 1-65535: 22, 80,443 or 5900-5999' });
  });
  // Two services on one port: the port would be opened under the wider access class of the two.
  for (const [a, b] of portCollisions(model.services)) {
    const [x, y] = [model.services[a]!, model.services[b]!];
    out.push({
      path: `/services/${b}/ports`,
      code: 'E_PORT_COLLISION',
      message: `${y.name} (${y.proto} ${y.ports}) uses the same port as ${x.name} (${x.proto} ${x.ports})`,
      hint: 'give each service its own port (set them in the profile and render again)',
    });
  }
  return out;
}

/** /etc/debvisor/firewall.yaml: the profile's firewall checks, judged against the services the file lists. */
const MODEL_KIND: CheckedYamlKind<FirewallFile> = {
  schema: FirewallFileSchema,
  rules: [(model) => checkFirewallModel(model.firewall, '/firewall', model.services), servicePorts],
  readError: (err) => ({
    path: '',
    code: 'E_READ',
    message: `cannot read the firewall model: ${(err as Error).message}`,
    hint: 'it is written at install by `debvisor render`',
  }),
};

function modelLoad(r: Checked<FirewallFile>): ModelLoad {
  return r.ok ? { ok: true, model: r.value, text: r.docs[0]!.text } : r;
}

/** Checks /etc/debvisor/firewall.yaml text with the same schema, checks and positions as profiles. */
export function parseFirewallFile(file: string, text: string): ModelLoad {
  return modelLoad(checkYamlText(file, text, MODEL_KIND));
}

/** Reads and checks /etc/debvisor/firewall.yaml; the text is kept for edits that preserve comments and layout. */
export function loadFirewallFile(file: string): ModelLoad {
  return modelLoad(checkYamlFile(file, MODEL_KIND));
}

/** The model text with `firewall.lockdown` set, comments and layout kept. */
export function withLockdown(text: string, on: boolean): string {
  const doc = parseDocument(text);
  doc.setIn(['firewall', 'lockdown'], on);
  return doc.toString({ lineWidth: 0 });
}
