import { renderCommand } from './render.js';
import { firewallCommands } from '../firewall/commands.js';

export const overlayCommands = [renderCommand, ...firewallCommands];
