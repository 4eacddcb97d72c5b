import type { Writable } from 'node:stream';
import { redactUrlCredentials, safeText } from './text.js';

export type Level = 'debug' | 'info' | 'warn' | 'error';

/** One structured event; every program speaks these, renderers turn them into text. */
export interface DebvisorEvent {
  time: string;
  level: Level;
  stage?: string;
  step?: string;
  /** 0..1 when known. */
  progress?: number;
  message: string;
  code?: string;
  hint?: string;
  data?: Record<string, unknown>;
}

export type EventFields = Omit<DebvisorEvent, 'time' | 'level' | 'message'>;

export interface EventSink {
  write(event: DebvisorEvent): void;
}

const LEVEL_ORDER: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export interface Emitter {
  emit(level: Level, message: string, fields?: EventFields): void;
  debug(message: string, fields?: EventFields): void;
  info(message: string, fields?: EventFields): void;
  warn(message: string, fields?: EventFields): void;
  error(message: string, fields?: EventFields): void;
  /** An emitter that stamps every event with this stage. */
  stage(stage: string): Emitter;
}

export interface EmitterOptions {
  sinks: EventSink[];
  clock?: () => Date;
  stage?: string;
}

export function createEmitter(opts: EmitterOptions): Emitter {
  const clock = opts.clock ?? (() => new Date());
  const emit = (level: Level, message: string, fields: EventFields = {}): void => {
    // Credentials in URLs never reach a sink (console, log file, webhook).
    const event: DebvisorEvent = { time: clock().toISOString(), level, message: redactUrlCredentials(message) };
    const stage = fields.stage ?? opts.stage;
    if (stage !== undefined) event.stage = stage;
    for (const [k, v] of Object.entries(fields)) {
      if (v !== undefined && k !== 'stage')
        (event as unknown as Record<string, unknown>)[k] = k === 'hint' && typeof v === 'string' ? redactUrlCredentials(v) : v;
    }
    for (const sink of opts.sinks) sink.write(event);
  };
  return {
    emit,
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    stage: (stage) => createEmitter({ ...opts, clock, stage }),
  };
}

/** An emitter that drops everything (for pure callers and tests that do not care). */
export const silentEmitter: Emitter = createEmitter({ sinks: [] });

export function toJsonLine(event: DebvisorEvent): string {
  return `${JSON.stringify(event)}\n`;
}

/** Plain text for a serial console or a log: `time LEVEL [stage/step 42%] message (code: hint)`, one line, control characters escaped. */
export function renderPlain(event: DebvisorEvent): string {
  const where = [event.stage, event.step].filter(Boolean).join('/');
  const pct = event.progress === undefined ? '' : ` ${Math.round(event.progress * 100)}%`;
  const tag = where || pct ? ` [${where}${pct}]` : '';
  const code = event.code ? ` ${event.code}` : '';
  const hint = event.hint ? ` (hint: ${event.hint})` : '';
  return `${safeText(`${event.time} ${event.level.toUpperCase()}${tag}${code} ${event.message}${hint}`)}\n`;
}

export function jsonLinesSink(out: Writable, minLevel: Level = 'debug'): EventSink {
  return {
    write: (e) => {
      if (LEVEL_ORDER[e.level] >= LEVEL_ORDER[minLevel]) out.write(toJsonLine(e));
    },
  };
}

export function plainSink(out: Writable, minLevel: Level = 'info'): EventSink {
  return {
    write: (e) => {
      if (LEVEL_ORDER[e.level] >= LEVEL_ORDER[minLevel]) out.write(renderPlain(e));
    },
  };
}

/**
 * Plain text for a terminal: like plainSink, but progress events (`data.kind: 'progress'`) keep
 * redrawing one status line instead of adding lines; the next other event replaces it.
 */
export function terminalSink(out: Writable & { columns?: number }, minLevel: Level = 'info'): EventSink {
  let status = false;
  return {
    write: (e) => {
      if (LEVEL_ORDER[e.level] < LEVEL_ORDER[minLevel]) return;
      const line = renderPlain(e).trimEnd();
      if (e.data?.kind === 'progress') {
        out.write(`\r\x1b[K${line.slice(0, Math.max((out.columns ?? 80) - 1, 20))}`);
        status = true;
        return;
      }
      out.write(`${status ? '\r\x1b[K' : ''}${line}\n`);
      status = false;
    },
  };
}

/** Keeps events in memory; tests read `events`. */
export function memorySink(): EventSink & { events: DebvisorEvent[] } {
  const events: DebvisorEvent[] = [];
  return { events, write: (e) => void events.push(e) };
}
