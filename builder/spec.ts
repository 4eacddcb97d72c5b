import { existsSync } from 'node:fs';
import { readRegularFile } from '../core/read-file.js';
import { dirname, resolve } from 'node:path';
import { parseYamlSource } from '../core/yaml-source.js';
import { checkShape } from '../core/schema-check.js';
import { fillDefaults } from '../core/ajv.js';
import { locate } from '../profiles/load.js';
import { issueAt, sortIssues, formatIssue, type Finding, type Issue } from '../core/issue.js';
import { validateProfile } from '../profiles/validate.js';
import { DebvisorError } from '../core/errors.js';
import { BuildSpecSchema, type BuildSpec } from './spec-schema.js';

export interface LoadedSpec {
  spec: BuildSpec;
  file: string;
  /** The repository root the spec's relative paths are resolved against. */
  base: string;
}

/** Pure checks of meaning, with `exists` passed in so tests need no files. */
export function specFindings(spec: BuildSpec, exists: (path: string) => boolean): Finding[] {
  const out: Finding[] = [];
  const ids = spec.boot.entries.map((e) => e.id);
  ids.forEach((id, i) => {
    if (ids.indexOf(id) !== i) out.push({ path: `/boot/entries/${i}/id`, code: 'E_SPEC_DUPLICATE', message: `entry id '${id}' is used twice` });
  });
  if (!ids.includes(spec.boot.default)) out.push({ path: '/boot/default', code: 'E_SPEC_DEFAULT', message: `no boot entry has the id '${spec.boot.default}'`, hint: `use one of: ${ids.join(', ')}` });
  spec.packages.forEach((name, i) => {
    if (!exists(`iso/packages/${name}.list`)) out.push({ path: `/packages/${i}`, code: 'E_SPEC_PACKAGES', message: `no package list iso/packages/${name}.list` });
  });
  if (!exists(spec.kernel.fragment)) out.push({ path: '/kernel/fragment', code: 'E_SPEC_FRAGMENT', message: `kernel fragment ${spec.kernel.fragment} does not exist` });
  if (spec.profile && !exists(spec.profile)) out.push({ path: '/profile', code: 'E_SPEC_PROFILE', message: `profile ${spec.profile} does not exist` });
  if (spec.squashfs.level !== undefined && spec.squashfs.compression !== 'zstd') out.push({ path: '/squashfs/level', code: 'E_SPEC_LEVEL', message: `a level is only used with zstd (compression is ${spec.squashfs.compression})` });
  return out;
}

/** Reads and validates a build spec; every problem is reported with its position, nothing is built. */
export function loadBuildSpec(file: string, base = process.cwd()): LoadedSpec {
  const path = resolve(file);
  const fail = (issues: Issue[]) => {
    throw new DebvisorError('E_SPEC', `the build spec ${file} is invalid; nothing was built`, { hint: 'fix the lines below', details: sortIssues(issues).map(formatIssue) });
  };
  if (!existsSync(path)) throw new DebvisorError('E_SPEC', `no build spec at ${file}`, { hint: 'the default is iso/build.yaml' });
  const parsed = parseYamlSource(file, readRegularFile(path));
  if (!parsed.ok) return fail(parsed.issues);
  const shape = checkShape(parsed.doc.data, BuildSpecSchema);
  const locateAt = (f: Finding) => issueAt(locate([parsed.doc], f.path), f);
  if (shape.length) return fail(shape.map(locateAt));
  const spec = fillDefaults(structuredClone(parsed.doc.data), BuildSpecSchema) as BuildSpec;
  const root = base ?? dirname(path);
  const meaning = specFindings(spec, (p) => existsSync(resolve(root, p)));
  if (spec.profile && existsSync(resolve(root, spec.profile))) {
    const v = validateProfile(resolve(root, spec.profile));
    if (!v.ok) meaning.push({ path: '/profile', code: 'E_SPEC_PROFILE', message: `the embedded profile is invalid: ${v.issues.map(formatIssue).join('; ')}` });
  }
  if (meaning.length) return fail(meaning.map(locateAt));
  return { spec, file: path, base: root };
}
