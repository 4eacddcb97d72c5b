import Handlebars from 'handlebars';
import { readFileSync } from 'node:fs';

const cache = new Map<string, HandlebarsTemplateDelegate>();

/** Renders a `.hbs` template that sits beside the module (path relative to `base`). */
export function renderTemplate(base: string, name: string, data: object): string {
  const url = new URL(name, base);
  let tpl = cache.get(url.href);
  if (!tpl) {
    // Config files are not HTML: no escaping, and a missing value is an error, not an empty string.
    tpl = Handlebars.compile(readFileSync(url, 'utf8'), { noEscape: true, strict: true });
    cache.set(url.href, tpl);
  }
  return tpl(data);
}
