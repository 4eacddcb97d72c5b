import { execa } from 'execa';

/**
 * A program in a tmux pane, driven as a person drives it: send-keys types, capture-pane reads.
 * Used by the TUI's tmux test and by the serial e2e (QEMU's serial console in the pane).
 */
export interface TmuxResult {
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
}

export interface TmuxPane {
  tmux(...args: string[]): Promise<TmuxResult>;
  /** Keys by name (Enter, C-n, Down...). */
  keys(...k: string[]): Promise<TmuxResult>;
  /** Text typed as it is. */
  type(text: string): Promise<TmuxResult>;
  /** What the pane shows now. */
  screen(): Promise<string>;
  /** Everything the pane printed, the scrollback included, wrapped lines joined. */
  history(): Promise<string>;
  /** Polls until `want` shows, at most `seconds` (default: the pane's); then fails with what is on screen. */
  waitFor(want: string | RegExp, seconds?: number): Promise<string>;
  /** Waits (bounded) until the screen stops changing between two reads: the keys sent are drawn. */
  settle(): Promise<string>;
}

export function tmuxPane(o: { socket: string; target: string; waitS: number; pollMs: number; settleStepMs: number; settleRounds: number }): TmuxPane {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const tmux = async (...args: string[]): Promise<TmuxResult> => {
    const r = await execa('tmux', ['-L', o.socket, ...args], { reject: false });
    return { exitCode: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr) };
  };
  const screen = async () => (await tmux('capture-pane', '-p', '-t', o.target)).stdout;
  return {
    tmux,
    keys: (...k) => tmux('send-keys', '-t', o.target, ...k),
    type: (text) => tmux('send-keys', '-t', o.target, '-l', text),
    screen,
    history: async () => (await tmux('capture-pane', '-p', '-J', '-S', '-', '-t', o.target)).stdout,
    async waitFor(want, seconds = o.waitS) {
      const until = Date.now() + seconds * 1000;
      let last = '';
      while (Date.now() < until) {
        last = await screen();
        if (typeof want === 'string' ? last.includes(want) : want.test(last)) return last;
        await sleep(o.pollMs);
      }
      throw new Error(`no ${String(want)} on screen within ${seconds}s; the screen:\n${last}`);
    },
    async settle() {
      let prev = await screen();
      for (let i = 0; i < o.settleRounds; i++) {
        await sleep(o.settleStepMs);
        const now = await screen();
        if (now === prev) return now;
        prev = now;
      }
      return prev;
    },
  };
}
