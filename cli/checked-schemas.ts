import type { TSchema } from '@sinclair/typebox';
import { ProfileSchema } from '../profiles/schema/profile.js';
import { FirewallFileSchema } from '../profiles/firewall/node-file.js';
import { BuildSpecSchema } from '../builder/spec-schema.js';
import { FactsSchema } from '../profiles/facts.js';

/**
 * The schemas of the checked files the tool reads (a facts file from `--facts` too: the installed
 * node's plan replay reads one). A compiled tool (the .deb, dist/) carries
 * their ajv validators precompiled (cli/precompile-validators.ts), so a command does not compile
 * a schema each time it runs; a schema left out here still works, compiled when first used.
 */
export const CHECKED_SCHEMAS: readonly TSchema[] = [ProfileSchema, FirewallFileSchema, BuildSpecSchema, FactsSchema];
