import { describe, expect, it } from 'vitest';
import { grubWithUnattendedDefault, isolinuxWithUnattendedDefault } from './embed-profile.js';

const ISOLINUX = `serial 0 115200
prompt 1
timeout 50
default install

label install
\tappend boot=live debvisor.mode=install

label unattended
\tappend boot=live debvisor.mode=unattended
`;

const GRUB = `set default="install"
set timeout=5

menuentry "Install DebVisor" --id install {
\tlinux /live/vmlinuz boot=live debvisor.mode=install
}

menuentry "Unattended install (profile)" --id auto {
\tlinux /live/vmlinuz boot=live debvisor.mode=unattended
}
`;

describe('embed-profile boot menus', () => {
  it('makes the entry with debvisor.mode=unattended the default, changing nothing else', () => {
    expect(isolinuxWithUnattendedDefault(ISOLINUX)).toBe(ISOLINUX.replace('default install', 'default unattended'));
    expect(grubWithUnattendedDefault(GRUB)).toBe(GRUB.replace('set default="install"', 'set default="auto"'));
  });

  it('uses the entry index when a GRUB entry has no --id', () => {
    expect(grubWithUnattendedDefault(GRUB.replace(' --id auto', ''))).toContain('set default="1"');
  });

  it('refuses a menu without an unattended entry, naming the menu', () => {
    expect(() => isolinuxWithUnattendedDefault(ISOLINUX.replace('debvisor.mode=unattended', 'debvisor.mode=rescue'))).toThrow(
      /isolinux.cfg: no boot entry with debvisor.mode=unattended/,
    );
    expect(() => grubWithUnattendedDefault('set default=0\n')).toThrow(/grub.cfg: no boot entry/);
  });
});
