import { MAX_INPUT_FILE_BYTES } from '../core/read-file.js';
import { MAX_ALIAS_COUNT, MAX_MAP_KEYS, MAX_LIST_ITEMS, MAX_YAML_NODES } from '../core/yaml-source.js';
import { KERNEL_ARGS_MAX_BYTES } from './rules/boot.js';
import { ProfileSchema } from './schema/profile.js';
import { MACROS } from './firewall/macros.js';

type Node = Record<string, unknown>;

interface Row {
  key: string;
  type: string;
  def: string;
  description: string;
}

function typeOf(s: Node): string {
  if (Array.isArray(s.enum)) return (s.enum as unknown[]).map((v) => `\`${String(v)}\``).join(' \\| ');
  if (s.const !== undefined) return `\`${JSON.stringify(s.const)}\``;
  if (Array.isArray(s.anyOf)) return (s.anyOf as Node[]).map(typeOf).join(' or ');
  if (s.type === 'array') return `list of ${typeOf((s.items ?? {}) as Node)}`;
  if (s.type === 'object') return s.patternProperties ? 'map' : 'map';
  let t = String(s.type ?? 'any');
  if (s.minimum !== undefined || s.maximum !== undefined) t += ` ${s.minimum ?? ''}..${s.maximum ?? ''}`;
  if (s['x-secret']) t += ' (secret)';
  return t;
}

function defaultOf(s: Node): string {
  if (s.default === undefined) return '';
  const d = s.default;
  if (typeof d === 'object' && d !== null && Object.keys(d).length === 0) return '';
  return `\`${JSON.stringify(d)}\``;
}

function rows(s: Node, key: string, required: boolean, out: Row[]): void {
  const desc = String(s.description ?? '')
    .replace(/\|/g, '\\|')
    .replace(/\n/g, ' ');
  if (key) out.push({ key: `\`${key}\``, type: typeOf(s), def: defaultOf(s) || (required ? '*required*' : ''), description: desc });
  if (s.type === 'object' && s.properties) {
    const req = new Set((s.required ?? []) as string[]);
    for (const [k, v] of Object.entries(s.properties as Record<string, Node>)) rows(v, key ? `${key}.${k}` : k, req.has(k), out);
  } else if (s.type === 'object' && s.patternProperties) {
    const inner = Object.values(s.patternProperties as Record<string, Node>)[0]!;
    rows(inner, `${key}.<name>`, false, out);
  } else if (s.type === 'array' && (s.items as Node | undefined)?.type === 'object') {
    rows(s.items as Node, `${key}[]`, false, out);
  }
}

/** docs/profiles.md, generated from the schema: every key, its type, default and description. */
export function renderProfileReference(): string {
  const root = ProfileSchema as unknown as Node;
  const out: string[] = [
    '# Profile reference',
    '',
    '<!-- Generated from profiles/schema/ by `npm run gen`; a test fails when this file is stale. Do not edit by hand. -->',
    '',
    String(root.description),
    '',
    'A profile is YAML. Validate one with `debvisor profile validate FILE`; see what it becomes with',
    '`debvisor profile show FILE` (defaults applied, secrets redacted). Keys marked *required* must be',
    'given (in the profile or a parent it `extends`); every other key has the default shown, or is',
    'optional. `(secret)` values are redacted whenever a profile is printed or saved. Examples are in',
    '`profiles/examples/`; the machine-readable schema is `profiles/profile.schema.json`.',
    '',
    '## What is refused before anything else',
    '',
    'A profile ends up in files, command lines, URLs and terminals of a node, so the loader and the',
    'schema refuse, with the file, line, column and key path, what those readers would misread:',
    '',
    `- anything but a regular file (a FIFO, a device such as \`/dev/zero\`, a directory), as the profile or a parent it \`extends\`, and files over ${MAX_INPUT_FILE_BYTES / 1024 / 1024} MiB;`,
    '- YAML tags (`!!omap`, `!!set`, `!!binary`, custom tags: they change what a key means), keys that are not plain scalars, duplicate keys, and the keys `__proto__`, `constructor` and `prototype`;',
    `- more than ${MAX_MAP_KEYS.toLocaleString('en')} keys in one map, ${MAX_LIST_ITEMS.toLocaleString('en')} items in one list, ${MAX_YAML_NODES.toLocaleString('en')} values in all, or ${MAX_ALIAS_COUNT} aliases;`,
    '- control characters (and U+2028/U+2029) in any one-line value: a line break in an SSH key would make two `authorized_keys` lines;',
    `- URLs that are not \`https://\` or carry a user name or password; kernel arguments that are not single tokens of letters, digits and \`_ . , : = / + @ % ~ -\`, or together over ${KERNEL_ARGS_MAX_BYTES} bytes; disk and NIC globs outside a safe character set;`,
    '- firewall values the kernel would refuse (comments over 128 bytes, interface names over 15 bytes or `*` alone, protocol numbers over 255, IPv6 zone ids), rules that would silently mean something else, accept rules with neither `macro` nor `proto` (`proto: any` says it on purpose), and, with lockdown on, anything that opens a management port to everyone (see [firewall.md](firewall.md)).',
    '',
    'Messages escape control characters, never repeat a value at a secret path, and show URLs without their credentials.',
    '',
  ];
  const props = root.properties as Record<string, Node>;
  const req = new Set((root.required ?? []) as string[]);
  for (const [k, v] of Object.entries(props)) {
    const list: Row[] = [];
    rows(v, k, req.has(k), list);
    out.push(`## \`${k}\``, '', String(v.description ?? ''), '', '| key | type | default | description |', '|---|---|---|---|');
    for (const r of list) out.push(`| ${r.key} | ${r.type} | ${r.def} | ${r.description} |`);
    out.push('');
  }
  out.push('## Firewall macros', '', 'Names accepted by `macro:` in firewall rules (the 86 Proxmox VE macros):', '');
  out.push('| macro | description | traffic |', '|---|---|---|');
  for (const m of MACROS.values()) {
    const traffic = m.parts
      .map((p) =>
        p.types
          ? `${p.proto} ${p.types.join(',')}`
          : typeof p.proto === 'number'
            ? `proto ${p.proto}`
            : `${p.proto} ${p.dport ?? ''}${p.sport ? ` from ${p.sport}` : ''}`.trim(),
      )
      .join('; ');
    out.push(`| ${m.name} | ${m.description} | ${traffic} |`);
  }
  out.push('');
  return out.join('\n');
}
