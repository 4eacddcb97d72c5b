import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { HardwareFacts } from '../../../profiles/facts.js';
import { loadProfile } from '../../../profiles/load.js';
import { validateProfile } from '../../../profiles/validate.js';
import { planInstall } from '../../plan/plan-install.js';
import { diskSelector } from './disk-selector.js';
import { FORM_SCREENS } from './fields.js';
import { checkForm, exportYaml, profileData, screenPreloaded, startForm } from './form.js';
import { planAnswers } from './outcome.js';
import { startState, TOTP_LABEL_MAX, totpLabel } from './navigation.js';
import { qrLines } from './qr.js';
import QRCode from 'qrcode';
import { newTotpSecret } from '../../../overlays/ssh/mfa.js';

const facts = (name: string) => JSON.parse(readFileSync(new URL(`../../../test/fixtures/facts/${name}.json`, import.meta.url), 'utf8')) as HardwareFacts;
const example = (name: string) => new URL(`../../../profiles/examples/${name}.yaml`, import.meta.url).pathname;

describe('the disk selector the TUI writes for the chosen disks', () => {
  it('takes the plainest selector that matches exactly the chosen disks, checked by selectDisks', () => {
    const four = facts('four-disks-old-raid');
    expect(diskSelector(['sda', 'sdb', 'sdc', 'sdd'], four.disks!)).toEqual({ match: {}, expect: 4 });
    expect(diskSelector(['sda'], four.disks!)).toEqual({ match: { serial: 'ZC1A0ABC' }, expect: 1 });
    expect(diskSelector(['sda', 'sdc'], four.disks!)).toEqual({ match: { serial: 'ZC1[AC]0ABC' }, expect: 2 });
    expect(diskSelector([], four.disks!)).toBeUndefined();
    expect(diskSelector(['nope'], four.disks!)).toBeUndefined();
  });
  it('never offers the boot medium, so "all disks" is the empty selector beside a USB stick', () => {
    const usb = facts('usb-boot');
    const targets = usb.disks!.filter((d) => !d.bootMedium).map((d) => d.name);
    expect(diskSelector(targets, usb.disks!)).toEqual({ match: {}, expect: targets.length });
  });
});

describe('answers and the profile', () => {
  it('a full profile preloads every form screen, and its export plans to the same plan on the same facts', () => {
    const cases: [string, string][] = [
      ['standalone', 'one-disk'],
      ['cluster-join', 'bond-four-nics'],
    ];
    for (const [name, f] of cases) {
      const l = loadProfile(example(name));
      if (!l.ok) throw new Error(name);
      const fx = facts(f);
      const { form, check } = startState(l.profile.data, { facts: fx });
      const original = validateProfile(example(name));
      if (!original.ok) throw new Error(`${name} invalid`);
      const o = planAnswers(exportYaml(form), fx);
      if (!o.ok) throw new Error(`${name}: ${JSON.stringify(o.issues)}`);
      expect(o.profile, name).toEqual(original.profile);
      expect(o.plan, name).toEqual(planInstall(original.profile, fx));
      if (original.profile.users.admin.passwordHash) {
        const skipped = FORM_SCREENS.filter((s) => screenPreloaded(form, s.id, check)).map((s) => s.id);
        expect(skipped.length, `${name}: ${skipped.join(',')}`).toBeGreaterThan(0);
      }
    }
  });
  it("each finding of the profile's schema and rules lands on the field whose key it names", () => {
    const form = startForm({ version: 1 }, { facts: facts('one-disk') });
    form.answers.adminName = 'root';
    form.answers.ipv4 = 'static';
    form.answers.ipv4Address = '192.0.2.10';
    form.answers.acmeEmail = 'not-an-address';
    const c = checkForm(form);
    expect(c.byField.get('adminName')?.map((f) => f.code)).toEqual(['E_USER_RESERVED']);
    expect(c.byField.get('ipv4Address')?.length).toBeGreaterThan(0);
    expect(c.byField.get('acmeEmail')?.map((f) => f.code)).toEqual(['E_SCHEMA_FORMAT']);
    // No key typed, no hash: the rule of users asks for one, on the password field.
    expect(c.byField.get('password')?.map((f) => f.code)).toContain('E_ADMIN_NO_PASSWORD');
  });
  it('a typed password is never exported before it is hashed; hidden fields write nothing', () => {
    const form = startForm({ version: 1 }, { facts: facts('one-disk') });
    form.answers.password = 'correct-horse-9';
    form.answers.ipv4 = 'dhcp';
    form.answers.ipv4Address = '192.0.2.10/24';
    const data = profileData(form);
    expect(JSON.stringify(data)).not.toContain('correct-horse');
    expect((data.users as { admin?: { passwordHash?: string } } | undefined)?.admin?.passwordHash).toBeUndefined();
    expect(JSON.stringify(data)).not.toContain('192.0.2.10');
    expect(exportYaml(form)).not.toContain('pending');
  });
  it('an encryption passphrase is typed twice on the disks screen, and written to install.storage.encryption', () => {
    const form = startForm({ version: 1 }, { facts: facts('one-disk') });
    form.answers.luksPassphrase = 'short';
    expect(
      checkForm(form)
        .byField.get('luksPassphrase')
        ?.map((f) => f.code),
    ).toEqual(['E_SCHEMA_EMPTY']);
    form.answers.luksPassphrase = 'correct horse battery';
    form.answers.luksPassphrase2 = 'correct horse battery!';
    expect(
      checkForm(form)
        .byField.get('luksPassphrase2')
        ?.map((f) => f.code),
    ).toEqual(['E_TUI_PASSPHRASE']);
    form.answers.luksPassphrase2 = 'correct horse battery';
    expect(checkForm(form).byField.get('luksPassphrase2')).toBeUndefined();
    expect((profileData(form) as { install: { storage: { encryption?: unknown } } }).install.storage.encryption).toEqual({
      passphrase: 'correct horse battery',
    });
    // Left empty: no encryption at all.
    form.answers.luksPassphrase = '';
    expect((profileData(form) as { install?: { storage?: { encryption?: unknown } } }).install?.storage?.encryption).toBeUndefined();
    // A profile that gives the passphrase is not asked for it twice.
    const pre = startForm({ version: 1, install: { storage: { encryption: { passphrase: 'from the profile' } } } }, { facts: facts('one-disk') });
    expect(checkForm(pre).byField.get('luksPassphrase2')).toBeUndefined();
  });
  it('a bond made under advanced replaces the single NIC, its members pinned by MAC, and plans', () => {
    const fx = facts('bond-four-nics');
    const form = startForm({ version: 1 }, { facts: fx });
    form.answers.bondMode = '802.3ad';
    form.answers.bondMembers = [fx.nics![0]!.name, fx.nics![1]!.name];
    const data = profileData(form) as { network: Record<string, unknown> };
    expect(data.network.interface).toBeUndefined();
    expect(data.network.bond).toEqual({ mode: '802.3ad', members: [{ mac: fx.nics![0]!.mac }, { mac: fx.nics![1]!.mac }] });
    expect(checkForm(form).byField.get('bondMembers')).toBeUndefined();
    form.answers.bondMembers = [];
    expect(
      checkForm(form)
        .byField.get('bondMembers')
        ?.map((f) => f.code),
    ).toEqual(['E_SCHEMA_ITEMS']);
  });
  it('the TOTP QR code of the longest label fits the 24 lines of the MFA screen', () => {
    const label = totpLabel('a'.repeat(32), `${'h'.repeat(63)}.example.com`);
    expect(label.length).toBe(TOTP_LABEL_MAX);
    const { uri } = newTotpSecret(label);
    const lines = qrLines(uri);
    expect(lines.length).toBeLessThanOrEqual(24);
    expect([...lines[0]!].length).toBeLessThanOrEqual(47);
  });
  it('the half-block QR code draws every module: light ones lit, dark ones blank, a lit quiet zone', () => {
    const text = 'otpauth://totp/DebVisor:alice%40pve1?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=DebVisor';
    const qr = QRCode.create(text, { errorCorrectionLevel: 'L' });
    const n = qr.modules.size;
    const lines = qrLines(text).map((l) => [...l]);
    const lit = (r: number, c: number) => {
      const ch = lines[Math.floor((r + 1) / 2)]![c + 1]!;
      const top = (r + 1) % 2 === 0;
      return ch === '█' || (top ? ch === '▀' : ch === '▄');
    };
    for (let r = -1; r <= n; r++)
      for (let c = -1; c <= n; c++) {
        const inside = r >= 0 && c >= 0 && r < n && c < n;
        expect(lit(r, c), `${r},${c}`).toBe(!inside || qr.modules.get(r, c) !== 1);
      }
  });
});
