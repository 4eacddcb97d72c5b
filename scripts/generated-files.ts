import { renderProfileReference } from '../profiles/docs.js';
import { profileSchemaJson } from '../profiles/schema-json.js';

/** Files generated from code; `npm run gen` writes them, a test fails when a committed copy drifts. */
export const GENERATED: { path: string; render: () => string }[] = [
  { path: 'docs/profiles.md', render: renderProfileReference },
  { path: 'profiles/profile.schema.json', render: profileSchemaJson },
];
