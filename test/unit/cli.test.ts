import { describe, it, expect } from 'vitest';
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { mkdirSync, writeFileSync, statSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { testDir } from './helpers/temp-dir.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = (args: string[]) => execa('node', [join(root, 'bin/debvisor.js'), ...args], { cwd: root, reject: false, stdin: 'ignore' });

describe('debvisor command (the real bin entry)', () => {
  it('prints help and version', async () => {
    const help = await cli(['--help']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('profile validate');
    const v = await cli(['--version']);
    expect(v.stdout).toMatch(/^debvisor \d+\.\d+\.\d+/);
  });
  it('validate: 0 for valid, 1 for invalid with file:line:col lines, 2 for usage errors', async () => {
    const ok = await cli(['profile', 'validate', 'profiles/examples/standalone.yaml', 'profiles/examples/fleet-rack-a.yaml']);
    expect(ok.exitCode).toBe(0);
    const dir = testDir('debvisor-cli-');
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'version: 1\nnode:\n  hostname: a_b\n  domain: example.com\nusers:\n  admin: { name: ops, password: x }\n');
    const r = await cli(['profile', 'validate', bad]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/bad\.yaml:3:3: \/node\/hostname: 'a_b' is not a valid host name/);
    expect(r.stdout).toMatch(/bad\.yaml:6:23: \/users\/admin\/password: unknown key 'password' \(plain passwords are not accepted/);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
    const json = await cli(['profile', 'validate', '--json', bad]);
    expect(json.exitCode).toBe(1);
    const doc = JSON.parse(json.stdout) as { valid: boolean; profiles: { issues: { path: string; line: number }[] }[] };
    expect(doc.valid).toBe(false);
    expect(doc.profiles[0]!.issues.some((i) => i.path === '/node/hostname' && i.line === 3)).toBe(true);
    expect((await cli(['profile', 'validate'])).exitCode).toBe(2);
    expect((await cli(['profile', 'validate', '--nope', 'x'])).exitCode).toBe(2);
    expect((await cli(['profile', 'validate', '/no/such/file.yaml'])).exitCode).toBe(2);
    expect((await cli(['frobnicate'])).exitCode).toBe(2);
  });
  it('show: prints the effective profile with defaults and without secrets', async () => {
    const r = await cli(['profile', 'show', 'profiles/examples/cluster-join.yaml']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('hostname: hv02');
    expect(r.stdout).toContain('lockdown: true');
    expect(r.stdout).toContain('rootLogin: false');
    expect(r.stdout).toContain('<redacted>');
    expect(r.stdout).not.toContain('K7Q2-ZP9M');
    expect(r.stdout).not.toContain('$y$j9T');
  });
  it('render: writes the files with their modes, and nothing at all for an invalid profile', async () => {
    const dir = testDir('debvisor-render-');
    // The root must exist (issue 9, point 17): a mistyped --root is refused, not created.
    mkdirSync(join(dir, 'good'));
    const ok = await cli(['render', 'profiles/examples/standalone.yaml', '--root', join(dir, 'good')]);
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('etc/debvisor/firewall/ruleset.nft');
    expect(statSync(join(dir, 'good/etc/nftables.conf')).mode & 0o777).toBe(0o755);
    expect(readFileSync(join(dir, 'good/etc/fail2ban/jail.d/debvisor.conf'), 'utf8')).toContain('banaction = debvisor-blocklist');
    const bad = join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      `version: 1\nextends: ${join(root, 'profiles/examples/standalone.yaml')}\nsecurity:\n  firewall:\n    rules:\n      - { action: accept, macro: Nope }\n`,
    );
    const r = await cli(['render', bad, '--root', join(dir, 'bad')]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/bad\.yaml:6:\d+: \/security\/firewall\/rules\/0\/macro: unknown macro 'Nope'/);
    expect(r.stderr).toContain('nothing was written');
    expect(existsSync(join(dir, 'bad'))).toBe(false);
    expect((await cli(['render', 'profiles/examples/standalone.yaml'])).exitCode).toBe(2);
  });
  it('validate: a value with a line break and ANSI escapes cannot forge a line on the terminal', async () => {
    const dir = testDir('debvisor-cli-');
    const bad = join(dir, 'forge.yaml');
    writeFileSync(bad, `version: 1\nextends: ${join(root, 'profiles/examples/standalone.yaml')}\nnode:\n  hostname: "x\\n\\e[2K${bad}: valid"\n`);
    for (const args of [
      ['profile', 'validate', bad],
      ['profile', 'show', bad],
      ['render', bad, '--root', join(dir, 'r')],
    ]) {
      const r = await cli(args);
      expect(r.exitCode).toBe(1);
      const out = `${r.stdout}\n${r.stderr}`;
      expect(out).not.toContain('\u001b');
      expect(out.split('\n').some((l) => l.startsWith(`${bad}: valid`))).toBe(false);
    }
    // A file name is printed too: escaped, so it stays one line.
    const named = join(dir, 'a\n\u001b[2Kb.yaml');
    writeFileSync(named, `version: 1\nextends: ${join(root, 'profiles/examples/standalone.yaml')}\n`);
    const r = await cli(['profile', 'validate', named]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(`${join(dir, 'a')}\\n\\x1b[2Kb.yaml: valid`);
  });
  it('validate and show never print a secret or URL credentials, in text or --json', async () => {
    const dir = testDir('debvisor-cli-');
    const parent = join(root, 'profiles/examples/standalone.yaml');
    const bad = join(dir, 'secrets.yaml');
    writeFileSync(
      bad,
      `version: 1\nextends: ${parent}\ndns:\n  tsig:\n    name: k\n    secret: 918273645546372819\ncluster:\n  role: join\n  join:\n    endpoint: https://ops:hunter2@pve1.example.com:8443\n    token: 55512345\n    caPin: K7Q2-ZP9M-SECRETTOKEN\n`,
    );
    for (const args of [
      ['profile', 'validate', bad],
      ['profile', 'validate', '--json', bad],
    ]) {
      const r = await cli(args);
      expect(r.exitCode).toBe(1);
      expect(`${r.stdout}${r.stderr}`).toMatch(/\/cluster\/join\/caPin/);
      expect(`${r.stdout}${r.stderr}`).not.toMatch(/918273645546372819|55512345|SECRETTOKEN|hunter2/);
    }
    const good = join(dir, 'good.yaml');
    writeFileSync(
      good,
      `version: 1\nextends: ${parent}\nfirstboot:\n  hooks:\n    - name: inventory\n      run: [curl, "https://ops:hunter2@inv.example.com/x"]\n`,
    );
    for (const args of [
      ['profile', 'show', good],
      ['profile', 'show', '--json', good],
    ]) {
      const r = await cli(args);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toContain('https://<redacted>@inv.example.com/x');
      expect(r.stdout).not.toContain('hunter2');
    }
  });
  it('schema: prints the published JSON Schema', async () => {
    const r = await cli(['profile', 'schema']);
    expect(JSON.parse(r.stdout).$id).toBe('https://debvisor.com/schemas/profile-v1.json');
  });
});
