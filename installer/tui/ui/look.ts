import { createContext } from 'react';

/** Box drawing for Ink's `borderStyle`: Unicode lines, or plain ASCII for vt100 and serial consoles. */
export const ASCII_BORDER = { topLeft: '+', top: '-', topRight: '+', left: '|', right: '|', bottomLeft: '+', bottom: '-', bottomRight: '+' } as const;

export interface Look {
  ascii: boolean;
}

export const LookContext = createContext<Look>({ ascii: false });

/** Terminals that get ASCII only: vt100-like TERMs (serial consoles), `linux` on a serial line, or DEBVISOR_TUI_ASCII=1. */
export function wantsAscii(env: NodeJS.ProcessEnv, flag: boolean | undefined): boolean {
  if (flag) return true;
  if (env.DEBVISOR_TUI_ASCII === '1') return true;
  const term = env.TERM ?? '';
  return term === '' || term === 'dumb' || /^vt(52|100|102|220)/.test(term) || term === 'linux-serial';
}

/** Screen size the installer is drawn for: the smallest console (80x25), one line left for the cursor. */
export const SCREEN = { columns: 80, rows: 24 } as const;
/** Text width inside the frame (border and one space each side). */
export const INNER = SCREEN.columns - 4;

/** Cuts a line to `width` columns, marking the cut. */
export function fitLine(text: string, width: number, ascii: boolean): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  return `${chars.slice(0, width - 1).join('')}${ascii ? '>' : '…'}`;
}
