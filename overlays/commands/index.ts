import { renderCommand } from './render.js';

export const overlayCommands = [renderCommand];
