// A step of compiling the tool (builder/compile.ts runs it): writes the ajv validators of the
// checked-file schemas into the given folder, the compiled tree's ajv-validators/ beside core/.
import { pathToFileURL } from 'node:url';
import { writePrecompiled } from '../core/ajv.js';
import { CHECKED_SCHEMAS } from './checked-schemas.js';

const dir = process.argv[2];
if (!dir) throw new Error('usage: precompile-validators DIR');
const names = writePrecompiled(CHECKED_SCHEMAS, pathToFileURL(`${dir}/`));
process.stdout.write(`precompiled ${names.length} validators into ${dir}\n`);
