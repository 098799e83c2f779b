/**
 * Server-Sent Events for the live page (HTML Living Standard, "Server-sent events": `id:`, `event:`, `data:`
 * lines, a blank line ends an event; a client that loses the stream reconnects after `retry:` ms and sends the
 * last id it saw as `Last-Event-ID`). Pure.
 *
 * Two ways to serve it, one format:
 *   - a streaming server (host, node:http) keeps the response open and gets every new event (`subscribe`);
 *   - the device's classic Moddable HTTP server sends a response body once and closes, so there the stream is
 *     the events after `Last-Event-ID` from the bounded backlog plus `retry:`; the browser's EventSource
 *     reconnects by itself, which makes it a short poll with the same client code (docs/web.md).
 * The backlog keeps at most `maxEvents` events and `maxBytes` of text; subscribers are bounded too.
 */

interface LoggedEvent {
  id: number;
  text: string;
}

export type EventWriter = (text: string) => void;

export class EventLog {
  readonly #log: LoggedEvent[] = [];
  readonly #subscribers = new Set<EventWriter>();
  #bytes = 0;
  #lastId = 0;
  /** Events published; events a full subscriber list turned away. */
  readonly stats = { published: 0, refusedSubscribers: 0 };

  constructor(readonly maxEvents = 32, readonly maxBytes = 8192, readonly maxSubscribers = 4, readonly retryMs = 3000) {}

  /** One event in wire format. `data` is JSON text (one line: JSON.stringify never emits a raw newline). */
  static format(id: number, event: string, data: string): string {
    return `id: ${id}\nevent: ${event}\ndata: ${data}\n\n`;
  }

  publish(event: string, data: unknown): void {
    const id = ++this.#lastId;
    const text = EventLog.format(id, event, JSON.stringify(data));
    this.stats.published++;
    this.#log.push({ id, text });
    this.#bytes += text.length;
    while (this.#log.length > this.maxEvents || (this.#bytes > this.maxBytes && this.#log.length > 1)) this.#bytes -= this.#log.shift()!.text.length;
    for (const w of this.#subscribers) {
      try {
        w(text);
      } catch {
        this.#subscribers.delete(w); // a broken connection: the server closes it
      }
    }
  }

  /** The stream's opening text: `retry:` and the backlog after `lastId` (all of it for a new client). */
  opening(lastId: string | undefined): string {
    const after = lastId !== undefined && /^\d+$/.test(lastId) ? Number(lastId) : 0;
    let out = `retry: ${this.retryMs}\n\n`;
    for (const e of this.#log) if (e.id > after) out += e.text;
    return out;
  }

  /** Adds a live subscriber; false when the list is full (the caller answers 503). */
  subscribe(w: EventWriter): boolean {
    if (this.#subscribers.size >= this.maxSubscribers) {
      this.stats.refusedSubscribers++;
      return false;
    }
    this.#subscribers.add(w);
    return true;
  }

  unsubscribe(w: EventWriter): void {
    this.#subscribers.delete(w);
  }

  get subscribers(): number {
    return this.#subscribers.size;
  }
}
