import { ProfileSchema } from './schema/profile.js';

/** The published schema file: plain JSON (TypeBox's symbols do not survive JSON). */
export function profileSchemaJson(): string {
  return `${JSON.stringify(ProfileSchema, null, 2)}\n`;
}
