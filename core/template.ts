import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type HandlebarsNs from 'handlebars';

const cache = new Map<string, HandlebarsTemplateDelegate>();
let handlebars: typeof HandlebarsNs | undefined;

/**
 * Handlebars is loaded on the first render, not with the module: commands that only import a
 * renderer's constants (first boot, status) do not pay for it, which counts under emulation.
 */
function compiler(): typeof HandlebarsNs {
  handlebars ??= createRequire(import.meta.url)('handlebars') as typeof HandlebarsNs;
  return handlebars;
}

/** Renders a `.hbs` template that sits beside the module (path relative to `base`). */
export function renderTemplate(base: string, name: string, data: object): string {
  const url = new URL(name, base);
  let tpl = cache.get(url.href);
  if (!tpl) {
    // Config files are not HTML: no escaping, and a missing value is an error, not an empty string.
    tpl = compiler().compile(readFileSync(url, 'utf8'), { noEscape: true, strict: true });
    cache.set(url.href, tpl);
  }
  return tpl(data);
}
