/**
 * The marker protocol of the XS harnesses: xsnap `-q` prints "[meter] text" per print. "<X" opens window X,
 * ">X" closes it; windows nest. Each print costs a constant overhead o (calibrated with "=" "==" pairs), so
 * the work inside a window with k prints in it is (end - start) - (k + 1) * o.
 */
export interface Event {
  meter: number;
  tag: string;
}

export interface Window {
  tag: string;
  start: number;
  end: number;
  /** Prints strictly inside the window. */
  inner: number;
  children: Window[];
}

export function parseLines(out: string): Event[] {
  const events: Event[] = [];
  for (const line of out.split("\n")) {
    if (line === "") continue;
    const m = /^\[(\d+)\] (.*)$/.exec(line);
    if (!m) throw new Error(`unexpected xsnap output line: ${line.slice(0, 80)}`);
    events.push({ meter: Number(m[1]), tag: m[2] });
  }
  return events;
}

/** Builds the window forest of a run of events ("<X" opens, ">X" closes). */
export function windows(events: readonly Event[]): Window[] {
  const roots: Window[] = [];
  const stack: Window[] = [];
  for (const e of events) {
    if (e.tag.startsWith("<")) {
      for (const w of stack) w.inner++;
      const w: Window = { tag: e.tag.slice(1), start: e.meter, end: NaN, inner: 0, children: [] };
      (stack.length ? stack[stack.length - 1].children : roots).push(w);
      stack.push(w);
    } else if (e.tag.startsWith(">")) {
      const w = stack.pop();
      if (!w || w.tag !== e.tag.slice(1)) throw new Error(`unbalanced marker ${e.tag}`);
      w.end = e.meter;
      for (const o of stack) o.inner++;
    } else {
      for (const w of stack) w.inner++;
    }
  }
  if (stack.length) throw new Error(`unclosed marker <${stack[stack.length - 1].tag}`);
  return roots;
}

/** Work inside a window (children included): Δ minus the overhead of every print in it. */
export function work(w: Window, o: number): number {
  return w.end - w.start - (w.inner + 1) * o;
}

export function all(ws: readonly Window[], tag: string): Window[] {
  const out: Window[] = [];
  const walk = (list: readonly Window[]) => {
    for (const w of list) {
      if (w.tag === tag) out.push(w);
      walk(w.children);
    }
  };
  walk(ws);
  return out;
}

export function total(ws: readonly Window[], o: number): number {
  let s = 0;
  for (const w of ws) s += work(w, o);
  return s;
}

/** The print overhead from the calibration pairs ("=" directly followed by "=="); throws when it is not constant. */
export function calibration(events: readonly Event[]): number {
  const cal: number[] = [];
  for (let i = 0; i + 1 < events.length; i++) if (events[i].tag === "=" && events[i + 1].tag === "==") cal.push(events[i + 1].meter - events[i].meter);
  if (cal.length === 0) throw new Error("no calibration markers in the xsnap output");
  const o = Math.min(...cal);
  if (Math.max(...cal) !== o) throw new Error(`print overhead is not constant: ${cal.join(", ")}`);
  return o;
}
