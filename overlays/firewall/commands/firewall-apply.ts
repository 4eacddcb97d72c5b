import { defineCommand } from '../../../core/cli/command.js';
import { applyAndReport, applyOptions } from './common.js';

export default defineCommand({
  words: ['firewall', 'apply'],
  summary: 'load the ruleset atomically; it rolls back by itself unless confirmed in time',
  options: applyOptions,
  run: ({ values, io }) => applyAndReport(io, values),
});
