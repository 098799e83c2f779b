/**
 * A reader of XMQ, the brace notation for XML documents that wmbusmeters writes its drivers in
 * (drivers/src/*.xmq). Written from the format's public description (libxmq's README and its grammar,
 * docs/readings.md "Importing wmbusmeters drivers" restates what is used here):
 *
 *   node      = comment | quote | entity | element
 *   element   = name [ "(" attribute* ")" ] [ "{" node* "}" ]  |  name "=" value
 *   attribute = name [ "=" value ]
 *   value     = quote | entity | compound | safe text
 *   compound  = "(" (quote | entity)* ")"            the parts joined
 *   quote     = ' text '  |  ''  (empty)  |  n quotes, text without a run of n quotes, n quotes (n ≥ 3);
 *               the same with double quotes " (a quote of one kind holds the other as text)
 *   entity    = & name ;   (&#10; &#x0A; &lt; &gt; &amp; &apos; &quot;)
 *   comment   = // to the end of the line  |  slash-star … star-slash (more stars: as many to close)
 *   safe text = characters up to white space or one of ( ) { } " '
 *
 * White space is spaces, tabs and line breaks. Not implemented (drivers do not use them): the indentation
 * rule of multi-line quotes (their text is kept as written), doctype and processing instructions.
 * Every error names the line and column (1-based) where the reader stopped. Input is bounded by the caller.
 */
import { WmbusError } from "../firmware/errors.js";

export interface XmqElement {
  /** Element name (key of a key = value). */
  name: string;
  /** The value of `name = value`; undefined for an element with braces or none. */
  value?: string;
  attributes: XmqElement[];
  children: XmqNode[];
  line: number;
  column: number;
}

export interface XmqText {
  text: string;
  line: number;
  column: number;
}

export type XmqNode = XmqElement | XmqText;

export function isElement(n: XmqNode): n is XmqElement {
  return (n as XmqElement).name !== undefined;
}

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_.:-]/;
/** Characters that end a safe text. */
const SAFE_STOP = " \t\r\n(){}\"'";
/** Deepest element nesting (a driver needs 5). */
const MAX_DEPTH = 64;

const NAMED_ENTITIES: { readonly [k: string]: string } = Object.freeze({ lt: "<", gt: ">", amp: "&", apos: "'", quot: '"' });

class Reader {
  pos = 0;
  line = 1;
  col = 1;
  constructor(readonly src: string, readonly file: string) {}

  fail(msg: string, line = this.line, col = this.col): never {
    throw new WmbusError("bad_argument", `${this.file}:${line}:${col}: ${msg}`);
  }

  peek(k = 0): string {
    return this.src.charAt(this.pos + k);
  }

  atEnd(): boolean {
    return this.pos >= this.src.length;
  }

  next(): string {
    const c = this.src.charAt(this.pos++);
    if (c === "\n") {
      this.line++;
      this.col = 1;
    } else this.col++;
    return c;
  }

  /** Skips white space and comments. */
  space(): void {
    for (;;) {
      const c = this.peek();
      if (c === " " || c === "\t" || c === "\r" || c === "\n") this.next();
      else if (c === "/" && this.peek(1) === "/") {
        while (!this.atEnd() && this.peek() !== "\n") this.next();
      } else if (c === "/" && this.peek(1) === "*") this.blockComment();
      else return;
    }
  }

  blockComment(): void {
    const line = this.line, col = this.col;
    this.next();
    let stars = 0;
    while (this.peek() === "*") {
      this.next();
      stars++;
    }
    const close = "*".repeat(stars) + "/";
    const end = this.src.indexOf(close, this.pos);
    if (end < 0) this.fail(`comment not closed (expected ${close})`, line, col);
    while (this.pos < end + close.length) this.next();
  }

  name(): string {
    if (!NAME_START.test(this.peek())) this.fail(this.atEnd() ? "unexpected end of file: expected a name" : `expected a name, got ${shown(this.peek())}`);
    let s = "";
    while (!this.atEnd() && NAME_CHAR.test(this.peek())) s += this.next();
    return s;
  }

  /** A quote of single or double quote characters (the same rules for both; the other kind is plain text inside). */
  quote(): string {
    const line = this.line, col = this.col;
    const q = this.peek();
    let n = 0;
    while (this.peek() === q) {
      this.next();
      n++;
    }
    if (n === 2) return "";
    const close = q.repeat(n);
    let s = "";
    for (;;) {
      if (this.atEnd()) this.fail(`quote not closed (expected ${close})`, line, col);
      if (this.peek() === q) {
        let run = 0;
        while (this.peek(run) === q) run++;
        if (run === n) {
          for (let i = 0; i < n; i++) this.next();
          if (n === 1 && s === "") this.fail(`empty quote: write ${q}${q}`, line, col);
          return s;
        }
        if (run > n) this.fail(`a run of ${run} quotes inside a quote of ${n}: quote with more`, this.line, this.col);
        for (let i = 0; i < run; i++) s += this.next();
      } else s += this.next();
    }
  }

  entity(): string {
    const line = this.line, col = this.col;
    this.next();
    let body = "";
    while (!this.atEnd() && this.peek() !== ";" && body.length < 16) body += this.next();
    if (this.peek() !== ";") this.fail("entity not closed with ;", line, col);
    this.next();
    if (/^#[0-9]{1,7}$/.test(body) || /^#x[0-9A-Fa-f]{1,6}$/.test(body)) {
      const code = body[1] === "x" ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      if (code > 0x10ffff) this.fail(`entity &${body}; is not a character`, line, col);
      return String.fromCodePoint(code);
    }
    const named = Object.prototype.hasOwnProperty.call(NAMED_ENTITIES, body) ? NAMED_ENTITIES[body] : undefined;
    if (named === undefined) this.fail(`unknown entity &${shown(body)};`, line, col);
    return named;
  }

  value(): string {
    const c = this.peek();
    if (c === "'" || c === '"') return this.quote();
    if (c === "&") return this.entity();
    if (c === "(") {
      const line = this.line, col = this.col;
      this.next();
      let s = "";
      for (;;) {
        this.space();
        const d = this.peek();
        if (d === ")") {
          this.next();
          return s;
        }
        if (d === "'" || d === '"') s += this.quote();
        else if (d === "&") s += this.entity();
        else this.fail(this.atEnd() ? `compound value not closed (opened at ${line}:${col})` : `a compound value holds quotes and entities only, got ${shown(d)}`);
      }
    }
    if (this.atEnd() || SAFE_STOP.includes(c)) this.fail(this.atEnd() ? "unexpected end of file: expected a value" : `expected a value, got ${shown(c)}`);
    let s = "";
    while (!this.atEnd() && !SAFE_STOP.includes(this.peek())) s += this.next();
    return s;
  }

  /** Nodes until `}` (depth > 0) or the end of the file. */
  nodes(depth: number): XmqNode[] {
    if (depth > MAX_DEPTH) this.fail(`elements nested deeper than ${MAX_DEPTH}`);
    const out: XmqNode[] = [];
    for (;;) {
      this.space();
      if (this.atEnd()) {
        if (depth > 0) this.fail("unexpected end of file: an element is not closed with }");
        return out;
      }
      const c = this.peek();
      const line = this.line, col = this.col;
      if (c === "}") {
        if (depth === 0) this.fail("} without an open element");
        return out;
      }
      if (c === "'" || c === '"') {
        out.push({ text: this.quote(), line, column: col });
        continue;
      }
      if (c === "&") {
        out.push({ text: this.entity(), line, column: col });
        continue;
      }
      out.push(this.element(depth, line, col));
    }
  }

  element(depth: number, line: number, column: number): XmqElement {
    const name = this.name();
    const e: XmqElement = { name, attributes: [], children: [], line, column };
    this.space();
    if (this.peek() === "=") {
      this.next();
      this.space();
      e.value = this.value();
      return e;
    }
    if (this.peek() === "(") {
      this.next();
      for (;;) {
        this.space();
        if (this.peek() === ")") {
          this.next();
          break;
        }
        if (this.atEnd()) this.fail(`attributes of ${name} not closed with )`, line, column);
        const al = this.line, ac = this.col;
        const an = this.name();
        const a: XmqElement = { name: an, attributes: [], children: [], line: al, column: ac };
        this.space();
        if (this.peek() === "=") {
          this.next();
          this.space();
          a.value = this.value();
        }
        e.attributes.push(a);
      }
      this.space();
    }
    if (this.peek() === "{") {
      this.next();
      e.children = this.nodes(depth + 1);
      this.next(); // the }
    }
    return e;
  }
}

function shown(c: string): string {
  return c === "\n" ? "a line break" : JSON.stringify(c);
}

/** Parses an XMQ text into its top-level nodes; throws WmbusError "file:line:column: …" on bad input. */
export function parseXmq(text: string, file = "input.xmq"): XmqNode[] {
  const r = new Reader(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, file);
  return r.nodes(0);
}
