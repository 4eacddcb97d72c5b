import { Box, Text, useApp, useInput } from 'ink';
import { useContext, useRef, useState } from 'react';
import type { DebvisorEvent } from '../../../core/events.js';
import type { InstallEnd, TuiEngine } from '../engine.js';
import type { FieldContext } from '../model/fields.js';
import { keysRead, onKey, passwordHashed, type Effect, type KeyPress, type TuiEnv, type TuiState } from '../model/navigation.js';
import { TUI_TEXT } from '../model/text.js';
import { keysOfChunk } from '../model/chunk.js';
import { BODY_LINES, finishLines, formLines, mfaLines, profileScreenLines, summaryBody, titleOf, welcomeLines } from './lines.js';
import { ASCII_BORDER, fitLine, INNER, LookContext, SCREEN } from './look.js';

/** How the TUI ended: installed (or planned, in a dry run), failed, or aborted with nothing touched. */
export type TuiExit = { code: 'aborted' } | { code: 'done'; ok: boolean };

export interface AppProps {
  initial: TuiState;
  env: TuiEnv;
  engine: TuiEngine;
  dryRun: boolean;
  onExit: (e: TuiExit) => void;
}

/** The frame every screen is drawn in: title, body, status, keys; 80x24 at most. */
function Frame({ title, body, status, keys }: { title: string; body: string[]; status?: string; keys: string }) {
  const { ascii } = useContext(LookContext);
  const lines = [...body.slice(0, BODY_LINES), ...Array(Math.max(0, BODY_LINES - body.length)).fill('')];
  return (
    <Box flexDirection="column" width={SCREEN.columns} height={SCREEN.rows} borderStyle={ascii ? ASCII_BORDER : 'single'} paddingX={1}>
      <Text wrap="truncate">{fitLine(title, INNER, ascii)}</Text>
      {lines.map((l, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: lines have no identity but their place
        <Text key={i} wrap="truncate">
          {fitLine(l, INNER, ascii) || ' '}
        </Text>
      ))}
      <Text wrap="truncate">{fitLine(status ?? ' ', INNER, ascii)}</Text>
      <Text wrap="truncate">{fitLine(keys, INNER, ascii)}</Text>
    </Box>
  );
}

/** A screen without the frame (the QR code needs all 24 lines). */
function Bare({ lines }: { lines: string[] }) {
  return (
    <Box flexDirection="column" width={SCREEN.columns}>
      {lines.slice(0, SCREEN.rows).map((l, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: lines have no identity but their place
        <Text key={i} wrap="truncate">
          {l || ' '}
        </Text>
      ))}
    </Box>
  );
}

function bar(progress: number, width: number, ascii: boolean): string {
  const done = Math.round(progress * width);
  return `[${(ascii ? '#' : '█').repeat(done)}${(ascii ? '-' : '·').repeat(width - done)}] ${Math.round(progress * 100)}%`;
}

export function App({ initial, env, engine, dryRun, onExit }: AppProps) {
  const { ascii } = useContext(LookContext);
  const { exit } = useApp();
  const [s, setState] = useState<TuiState>(initial);
  // Keys can arrive faster than React renders (a paste, tmux send-keys): each key reads the state the previous one left.
  const current = useRef(initial);
  const setS = (next: TuiState | ((cur: TuiState) => TuiState)) => {
    current.current = typeof next === 'function' ? next(current.current) : next;
    setState(current.current);
  };
  const [events, setEvents] = useState<DebvisorEvent[]>([]);
  const [end, setEnd] = useState<InstallEnd | undefined>();
  const [scroll, setScroll] = useState(0);
  const ctx: FieldContext = env.ctx;

  const leave = (e: TuiExit) => {
    onExit(e);
    exit();
  };

  const perform = (state: TuiState, effect: Effect | undefined) => {
    setS(state);
    if (!effect) return;
    switch (effect.type) {
      case 'exit':
        return leave({ code: 'aborted' });
      case 'hash-password':
        engine.hashPassword(effect.password).then(
          (hash) => setS((cur) => passwordHashed(cur, hash, env)),
          (err: Error) => setS((cur) => ({ ...cur, busy: undefined, status: `cannot hash the password: ${err.message}` })),
        );
        return;
      case 'read-keys':
        engine.readKeys(effect.path).then(
          (text) => setS((cur) => keysRead(cur, text, effect.path)),
          (err: Error) => setS((cur) => ({ ...cur, status: `cannot read ${effect.path}: ${err.message}` })),
        );
        return;
      case 'save-profile':
        engine.saveProfile(effect.path, effect.yaml).then(
          () => setS((cur) => ({ ...cur, status: `profile saved to ${effect.path}` })),
          (err: Error) => setS((cur) => ({ ...cur, status: `cannot save to ${effect.path}: ${err.message}` })),
        );
        return;
      case 'install': {
        // The export is written before anything is installed: a hand install becomes a fleet's template.
        const save = effect.exportPath ? engine.saveProfile(effect.exportPath, effect.outcome.yaml) : Promise.resolve();
        save
          .then(() =>
            engine.install({
              yaml: effect.outcome.yaml,
              ...(effect.totp ? { totp: effect.totp } : {}),
              onEvent: (e) => setEvents((cur) => [...cur, e]),
            }),
          )
          .then(
            (r) => {
              setEnd(r);
              setS((cur) => ({ ...cur, at: 'finish' }));
            },
            (err: Error) => {
              setEnd({ ok: false, text: `${err.message}\n` });
              setS((cur) => ({ ...cur, at: 'finish' }));
            },
          );
        return;
      }
    }
  };

  useInput((input, key) => {
    const s = current.current;
    if (s.at === 'finish' && !s.dialog) {
      if (key.downArrow || key.pageDown) setScroll((x) => x + (key.pageDown ? 10 : 1));
      else if (key.upArrow || key.pageUp) setScroll((x) => Math.max(0, x - (key.pageUp ? 10 : 1)));
      else if (key.return || input === 'q') {
        const o = s.outcome;
        // A real install that succeeded ends as its profile says (install.finish); a dry run or a failure just leaves.
        if (end?.ok && !dryRun && o?.ok) engine.finish(o.plan.finish).catch(() => undefined);
        leave({ code: 'done', ok: end?.ok ?? false });
      }
      return;
    }
    // Text and Enter read together (serial line, busy terminal) are handled as the keys they are.
    for (const [text, k] of keysOfChunk(input, key as KeyPress)) {
      const r = onKey(current.current, text, k, env);
      perform(r.state, r.effect);
    }
  });

  if (s.dialog === 'abort') {
    return <Frame title={titleOf(s)} body={['', TUI_TEXT.abortQuestion, '', TUI_TEXT.abortKeys]} keys="y abort   n back" />;
  }
  if (s.dialog === 'profile') {
    const lines = profileScreenLines(s.outcome?.yaml ?? '');
    return (
      <Frame
        title="DebVisor installer - the profile of these answers"
        body={lines.slice(s.scroll, s.scroll + BODY_LINES)}
        status={`lines ${s.scroll + 1}-${Math.min(lines.length, s.scroll + BODY_LINES)} of ${lines.length}`}
        keys="Up/Down PgUp/PgDn scroll   Enter or Esc back"
      />
    );
  }
  switch (s.at) {
    case 'welcome':
      return <Frame title={titleOf(s)} body={welcomeLines(s)} keys="Enter begin   ^C abort" status={s.status} />;
    case 'mfa':
      return <Bare lines={mfaLines(s, ascii)} />;
    case 'summary':
      return <Frame title={titleOf(s)} body={summaryBody(s, ctx)} status={s.status} keys="Enter install  Esc back  ^S save  ^E show profile  ^C abort" />;
    case 'progress': {
      const last = [...events].reverse().find((e) => e.progress !== undefined);
      const step = [...events].reverse().find((e) => e.step)?.step ?? 'starting';
      const tail = events.filter((e) => e.level !== 'debug').map((e) => `${e.level === 'error' ? '! ' : ''}${e.message}`);
      const body = [`step: ${step}`, bar(last?.progress ?? 0, 50, ascii), '', ...tail.slice(-(BODY_LINES - 3))];
      return (
        <Frame title={`DebVisor installer - ${dryRun ? 'planning (dry run)' : 'installing'}`} body={body} keys="the install is running; every step is logged" />
      );
    }
    case 'finish': {
      const lines = finishLines(end?.text ?? '');
      const head = end?.ok
        ? dryRun
          ? 'Dry run: this is the plan; nothing was touched.'
          : `DebVisor is installed. Enter: ${s.outcome?.ok ? s.outcome.plan.finish : 'reboot'} (install.finish).`
        : 'The install failed.';
      const body = [head, '', ...lines.slice(scroll, scroll + BODY_LINES - 2)];
      return (
        <Frame
          title={`DebVisor installer - ${end?.ok ? 'finished' : 'failed'}`}
          body={body}
          status={`lines ${scroll + 1}-${Math.min(lines.length, scroll + BODY_LINES - 2)} of ${lines.length}`}
          keys="Up/Down PgUp/PgDn scroll   Enter or q leave"
        />
      );
    }
    default:
      return (
        <Frame
          title={titleOf(s)}
          body={formLines(s, ctx)}
          status={s.busy ? `${s.busy}...` : s.status}
          keys={s.at === 'disks' || s.at === 'network' ? TUI_TEXT.keysList : TUI_TEXT.keys}
        />
      );
  }
}
