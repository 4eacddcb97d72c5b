import { writeFileSet } from '../../core/fileset.js';
import { TRIXIE } from '../../core/facts.js';
import { makeSelfSigned } from '../../overlays/panel/self-signed.js';
import { renderFiles } from '../../overlays/render.js';
import { adminAccount, applyAccounts, planAccounts } from '../../overlays/ssh/accounts.js';
import { writeTotpState } from '../../overlays/ssh/mfa.js';
import type { ApplyContext } from './context.js';

/** Root locked, the admin created with shadow-utils' --root (overlays/ssh/accounts.ts, as `debvisor render` does). */
export async function createAccountsOnTarget(ctx: ApplyContext): Promise<void> {
  const plan = planAccounts(ctx.profile, adminAccount(ctx.target, ctx.profile.users.admin.name));
  await applyAccounts(ctx.target, plan, ctx.events);
}

/** The hardened defaults through the one render path: renderFiles, each checked by its tool, then writeFileSet. */
export async function renderDefaultsOnTarget(ctx: ApplyContext): Promise<void> {
  const plan = planAccounts(ctx.profile, adminAccount(ctx.target, ctx.profile.users.admin.name));
  const res = await writeFileSet(ctx.target, renderFiles(ctx.profile, TRIXIE, { adminHome: plan.admin.home }), { events: ctx.events });
  for (const u of res.unchecked) ctx.events.warn(`${u.path} was not checked with ${u.check}: ${u.reason}`, { step: 'render-defaults' });
  ctx.events.info(`wrote ${res.written.length} files, removed ${res.removed.length}`, { step: 'render-defaults' });
  // nginx loads the panel's certificate as it starts, before first boot asks ACME for one: a
  // self-signed stand-in, made for this node here (never from the image). Without it nginx failed
  // at the first boot and the panel stayed down until a restart.
  const names = [...new Set([ctx.plan.node.fqdn, ctx.plan.node.hostname])];
  const tls = await makeSelfSigned(ctx.target, names, { events: ctx.events });
  if (tls.created) ctx.events.info(`self-signed panel certificate for ${names.join(', ')} (until ACME delivers one)`, { step: 'render-defaults' });
  // An unattended install has nobody to enrol TOTP at the console: the profile may carry the secret.
  const mfa = ctx.profile.users.admin.mfa;
  if (mfa.totp && mfa.totpSecret) {
    await writeTotpState(ctx.target, ctx.profile.users.admin.name, mfa.totpSecret, []);
    ctx.events.info(`TOTP secret of ${ctx.profile.users.admin.name} written from the profile`, { step: 'render-defaults' });
  }
}
