import { closeSync, openSync, writeSync } from 'node:fs';
import { renderPlain, toJsonLine, type DebvisorEvent, type EventSink, type Level } from '../../core/events.js';

const LEVEL_ORDER: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** Anything with `write(text)`: a tty, the serial console, a test's buffer. */
export interface TextOut {
  write(text: string): unknown;
}

/** Plain lines (`renderPlain`) or JSON lines onto a stream, from a level up. */
export function textSink(out: TextOut, format: 'plain' | 'json', minLevel: Level = format === 'plain' ? 'info' : 'debug'): EventSink {
  const render = format === 'plain' ? renderPlain : toJsonLine;
  return {
    write: (e) => {
      if (LEVEL_ORDER[e.level] >= LEVEL_ORDER[minLevel]) out.write(render(e));
    },
  };
}

/**
 * A log file written synchronously, line by line: what a failure leaves behind is on disk at the
 * moment of the failure (the support bundle reads it), and a crash loses nothing.
 */
export function fileSink(path: string, format: 'plain' | 'json', minLevel: Level = 'debug'): EventSink & { close(): void } {
  const fd = openSync(path, 'a', 0o600);
  const render = format === 'plain' ? renderPlain : toJsonLine;
  let open = true;
  return {
    write: (e) => {
      if (open && LEVEL_ORDER[e.level] >= LEVEL_ORDER[minLevel]) writeSync(fd, render(e));
    },
    close: () => {
      if (open) closeSync(fd);
      open = false;
    },
  };
}

/** Shortest secret masked in events: shorter strings would mask ordinary words (the schema asks for longer ones). */
export const MIN_MASKED_SECRET = 6;
export const MASK = '<redacted>';

/**
 * One sink in front of many, which can gain sinks later (the webhook, once the profile that
 * names it is valid; it is sent what came before) and masks the profile's secret values in
 * every event as a last guard: events are built not to carry them.
 */
export interface FanOut extends EventSink {
  add(sink: EventSink, replay?: boolean): void;
  setSecrets(secrets: string[]): void;
}

export function fanOut(sinks: EventSink[], keep = 500): FanOut {
  const list = [...sinks];
  const seen: DebvisorEvent[] = [];
  let secrets: string[] = [];
  const mask = (e: DebvisorEvent): DebvisorEvent => {
    if (!secrets.length) return e;
    let json = JSON.stringify(e);
    let changed = false;
    for (const s of secrets) {
      const inJson = JSON.stringify(s).slice(1, -1);
      if (json.includes(inJson)) {
        json = json.split(inJson).join(MASK);
        changed = true;
      }
    }
    return changed ? (JSON.parse(json) as DebvisorEvent) : e;
  };
  return {
    write(e) {
      const m = mask(e);
      seen.push(m);
      if (seen.length > keep) seen.shift();
      for (const s of list) s.write(m);
    },
    add(sink, replay = false) {
      if (replay) for (const e of seen) sink.write(e);
      list.push(sink);
    },
    setSecrets(values) {
      secrets = [...new Set(values.filter((v) => v.length >= MIN_MASKED_SECRET))].sort((a, b) => b.length - a.length);
    },
  };
}
