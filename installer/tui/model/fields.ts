import type { HardwareFacts } from '../../../profiles/facts.js';

/** The screens, in the order the operator meets them. */
export const SCREEN_IDS = [
  'welcome',
  'disks',
  'location',
  'admin',
  'mfa',
  'network',
  'security',
  'certificates',
  'cluster',
  'summary',
  'progress',
  'finish',
] as const;
export type ScreenId = (typeof SCREEN_IDS)[number];

export type Value = string | boolean | string[];
/** What the operator typed and chose, by field id (UI-only values too: the password, the TOTP code). */
export type Answers = Record<string, Value>;

export interface FieldContext {
  facts: HardwareFacts;
}

export type FieldKind = 'text' | 'secret' | 'choice' | 'toggle' | 'search' | 'disks' | 'nic' | 'nics' | 'keys';

/**
 * One field of a form screen: where its answer goes in the profile and how it is shown. The
 * profile's findings at `path` (or below it, or at one of `also`) are this field's messages.
 */
export interface Field {
  id: string;
  screen: ScreenId;
  label: string;
  kind: FieldKind;
  /** The profile key this field writes (none for UI-only fields). */
  path?: string;
  also?: readonly string[];
  /** How the text becomes profile data: a string, a list (comma or space separated), an integer. */
  format?: 'string' | 'list' | 'int';
  /** Choice and search fields: the values offered. */
  options?: (a: Answers, ctx: FieldContext) => readonly string[];
  /** Shown only when this holds; a hidden field writes nothing (its key is removed, unless `keepHidden`). */
  when?: (a: Answers) => boolean;
  /** Hidden, it leaves its key as the profile has it (the new-bond fields beside a profile's own bond). */
  keepHidden?: boolean;
  /** The first value when no profile gives one: the schema's default, or the plainest answer. */
  initial?: (ctx: FieldContext) => Value;
  /** One line under the form while the field has the focus and no problem. */
  help: string;
}

/** The screens that fill the profile, and the profile keys each one is about (a preloaded profile that sets them all skips it). */
export const FORM_SCREENS: readonly { id: ScreenId; title: string; sections: readonly string[] }[] = [
  { id: 'disks', title: 'Target disks', sections: ['/install/disks'] },
  { id: 'location', title: 'Location', sections: ['/node/timezone'] },
  { id: 'admin', title: 'Administrator', sections: ['/users/admin'] },
  { id: 'network', title: 'Network', sections: ['/network', '/node/hostname'] },
  { id: 'security', title: 'Security', sections: ['/security'] },
  { id: 'certificates', title: 'Certificates and DNS', sections: ['/tls', '/dns'] },
  { id: 'cluster', title: 'Cluster', sections: ['/cluster'] },
];

export const SCREEN_TITLES: Record<ScreenId, string> = {
  welcome: 'Welcome',
  disks: 'Target disks',
  location: 'Location',
  admin: 'Administrator',
  mfa: 'Second factor (TOTP)',
  network: 'Network',
  security: 'Security',
  certificates: 'Certificates and DNS',
  cluster: 'Cluster',
  summary: 'Summary',
  progress: 'Installing',
  finish: 'Finished',
};
