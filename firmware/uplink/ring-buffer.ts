/**
 * Crash-safe ring of records in a BlockStorage: the offline buffer of the uplinks.
 *
 * Layout:
 *   [commit slot A | commit slot B | record area ...]
 *   commit slot (12 bytes): C7 5A, acked sequence (u32 LE), dropped count (u32 LE), CRC-16
 *   record (10 + n bytes):  A7 3B, n (u16 LE), sequence (u32 LE), payload (n bytes), CRC-16
 * CRC-16 is the EN 13757-4 link CRC (link/crc16.ts) over everything after the two magic bytes.
 *
 * Records are appended one after the other; a record never wraps: when it does not fit before the
 * end of the area, the rest of the area is given up (its unacknowledged records are dropped and
 * their magic erased) and writing continues at the start. Writing over unacknowledged records
 * drops them, oldest first, and counts them (drop-oldest).
 *
 * Nothing but the records and the commit slots is stored: `open` rebuilds the state by scanning.
 * A record is valid when its magic, length and CRC check out; a half-written record (power cut) or
 * one partly overwritten fails its CRC and is skipped; when its head still reads as a record not yet
 * acknowledged, it is counted in `dropped` (and its magic erased, so it is counted once). Records with a sequence number above the
 * acknowledged one are pending, in sequence order; the newest valid record marks where writing goes
 * on. Acknowledging writes the two commit slots alternately, so a cut during that write leaves the
 * older slot valid (the records after it are then delivered again: at-least-once, and the stable
 * reading id lets the receiver drop the repeat).
 */
import { crc16 } from "../link/crc16.js";
import type { BlockStorage } from "./block-storage.js";

const COMMIT_MAGIC = Object.freeze([0xc7, 0x5a] as const);
const COMMIT_SIZE = 12;
const AREA_START = 2 * COMMIT_SIZE;
const RECORD_MAGIC = Object.freeze([0xa7, 0x3b] as const);
/** Magic, length, sequence before the payload; the CRC after it. */
const RECORD_HEAD = 8;
const RECORD_OVERHEAD = RECORD_HEAD + 2;
const MAX_PAYLOAD = 0xffff;

export interface RingRecord {
  seq: number;
  payload: Uint8Array;
}

interface Entry {
  seq: number;
  offset: number;
  total: number;
}

export interface RingStats {
  /** Pending (unacknowledged) records. */
  pending: number;
  /** Bytes the pending records occupy, overhead included. */
  pendingBytes: number;
  /** Size of the record area. */
  capacity: number;
  /** Records lost: dropped because the area was full, or failing their check at start-up or when read (persisted). */
  dropped: number;
  /** Highest acknowledged sequence number. */
  acked: number;
}

const u32 = (b: Uint8Array, i: number) => (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16)) + b[i + 3] * 0x1000000;
function putU32(b: Uint8Array, i: number, v: number): void {
  b[i] = v & 0xff;
  b[i + 1] = (v >>> 8) & 0xff;
  b[i + 2] = (v >>> 16) & 0xff;
  b[i + 3] = (v >>> 24) & 0xff;
}

export class RecordRing {
  readonly #storage: BlockStorage;
  readonly #areaSize: number;
  #pending: Entry[] = [];
  #head = 0;
  #nextSeq = 1;
  #acked = 0;
  #dropped = 0;
  /** Index (0/1) of the commit slot holding the current state; -1 when neither is valid. */
  #slot = -1;

  private constructor(storage: BlockStorage) {
    this.#storage = storage;
    this.#areaSize = storage.size - AREA_START;
  }

  /** Opens (and recovers) the ring stored in `storage`; a blank or foreign storage is an empty ring. */
  static open(storage: BlockStorage): RecordRing {
    if (storage.size < AREA_START + RECORD_OVERHEAD + 1) throw new RangeError(`ring storage of ${storage.size} bytes is too small`);
    const ring = new RecordRing(storage);
    ring.#recover();
    return ring;
  }

  /** Largest payload that fits. */
  get maxPayload(): number {
    return Math.min(MAX_PAYLOAD, this.#areaSize - RECORD_OVERHEAD);
  }

  /** Appends a record and returns its sequence number (drops the oldest records when full). */
  append(payload: Uint8Array): number {
    if (payload.length > this.maxPayload) throw new RangeError(`record of ${payload.length} bytes exceeds the ring's ${this.maxPayload}`);
    const total = payload.length + RECORD_OVERHEAD;
    let offset = this.#head;
    const droppedBefore = this.#dropped;
    if (offset + total > this.#areaSize) {
      this.#drop(offset, this.#areaSize, true);
      offset = 0;
    }
    this.#drop(offset, offset + total, false);
    if (this.#dropped !== droppedBefore) this.#writeCommit();

    const seq = this.#nextSeq;
    const rec = new Uint8Array(total);
    rec[0] = RECORD_MAGIC[0];
    rec[1] = RECORD_MAGIC[1];
    rec[2] = payload.length & 0xff;
    rec[3] = payload.length >> 8;
    putU32(rec, 4, seq);
    rec.set(payload, RECORD_HEAD);
    const crc = crc16(rec, 2, RECORD_HEAD + payload.length);
    rec[total - 2] = crc & 0xff;
    rec[total - 1] = crc >> 8;
    // Advance the in-memory state only after the write succeeded.
    this.#storage.write(AREA_START + offset, rec);
    this.#nextSeq = seq + 1;
    this.#head = offset + total;
    this.#pending.push({ seq, offset, total });
    return seq;
  }

  /**
   * Up to `max` oldest pending records, in order. Each is checked again (CRC and sequence number):
   * one that no longer checks out (storage corrupted since) is dropped and counted, never returned.
   */
  peek(max: number): RingRecord[] {
    const out: RingRecord[] = [];
    for (let i = 0; i < this.#pending.length && out.length < max; ) {
      const e = this.#pending[i];
      const bytes = this.#storage.read(AREA_START + e.offset, e.total);
      const again = recordAt(bytes, 0);
      if (again && again.seq === e.seq && again.total === e.total) {
        out.push({ seq: e.seq, payload: bytes.subarray(RECORD_HEAD, e.total - 2) });
        i++;
      } else {
        this.#pending.splice(i, 1);
        this.#dropped++;
        this.#storage.write(AREA_START + e.offset, new Uint8Array(2)); // erased: not counted again after a restart
        this.#writeCommit();
      }
    }
    return out;
  }

  /** Marks every record up to and including `seq` as delivered (persisted). */
  ack(seq: number): void {
    if (seq <= this.#acked) return;
    this.#acked = Math.min(seq, this.#nextSeq - 1);
    let n = 0;
    while (n < this.#pending.length && this.#pending[n].seq <= this.#acked) n++;
    this.#pending.splice(0, n);
    this.#writeCommit();
  }

  get pending(): number {
    return this.#pending.length;
  }

  stats(): RingStats {
    let bytes = 0;
    for (const e of this.#pending) bytes += e.total;
    return { pending: this.#pending.length, pendingBytes: bytes, capacity: this.#areaSize, dropped: this.#dropped, acked: this.#acked };
  }

  /**
   * Drops pending records overlapping [start, end); `erase` also destroys their magic on storage.
   * The region always starts where writing goes on, and the oldest pending records lie right
   * after it, so the records it overlaps are a prefix of the (sequence-ordered) pending list.
   */
  #drop(start: number, end: number, erase: boolean): void {
    let n = 0;
    for (; n < this.#pending.length; n++) {
      const e = this.#pending[n];
      if (!(e.offset < end && e.offset + e.total > start)) break;
      this.#dropped++;
      if (erase) this.#storage.write(AREA_START + e.offset, new Uint8Array(2));
    }
    this.#pending.splice(0, n);
  }

  #writeCommit(): void {
    const b = new Uint8Array(COMMIT_SIZE);
    b[0] = COMMIT_MAGIC[0];
    b[1] = COMMIT_MAGIC[1];
    putU32(b, 2, this.#acked);
    putU32(b, 6, this.#dropped);
    const crc = crc16(b, 2, 10);
    b[10] = crc & 0xff;
    b[11] = crc >> 8;
    const slot = this.#slot === 0 ? 1 : 0;
    this.#storage.write(slot * COMMIT_SIZE, b);
    this.#slot = slot;
  }

  #recover(): void {
    const slots = this.#storage.read(0, AREA_START);
    for (let s = 0; s < 2; s++) {
      const i = s * COMMIT_SIZE;
      if (slots[i] !== COMMIT_MAGIC[0] || slots[i + 1] !== COMMIT_MAGIC[1]) continue;
      if (crc16(slots, i + 2, i + 10) !== (slots[i + 10] | (slots[i + 11] << 8))) continue;
      const acked = u32(slots, i + 2);
      if (this.#slot < 0 || acked > this.#acked) {
        this.#slot = s;
        this.#acked = acked;
        this.#dropped = u32(slots, i + 6);
      }
    }

    const area = this.#storage.read(AREA_START, this.#areaSize);
    const found = new Map<number, Entry>();
    let newest: Entry | undefined;
    let off = 0;
    const broken: number[] = [];
    while (off + RECORD_OVERHEAD <= this.#areaSize) {
      const e = recordAt(area, off);
      if (!e) {
        // A record head whose record fails its check (torn write at a power cut, corrupted storage) and that
        // was not yet acknowledged is a lost reading: counted in `dropped`, and its magic erased so that the
        // next start does not count it again.
        if (area[off] === RECORD_MAGIC[0] && area[off + 1] === RECORD_MAGIC[1] && u32(area, off + 4) > this.#acked) broken.push(off);
        off++;
        continue;
      }
      if (!found.has(e.seq)) found.set(e.seq, e);
      if (!newest || e.seq > newest.seq) newest = e;
      off += e.total;
    }
    this.#head = newest ? newest.offset + newest.total : 0;
    this.#nextSeq = Math.max(newest ? newest.seq : 0, this.#acked) + 1;
    this.#pending = [...found.values()].filter((e) => e.seq > this.#acked).sort((a, b) => a.seq - b.seq);
    if (broken.length > 0) {
      this.#dropped += broken.length;
      try {
        for (const at of broken) this.#storage.write(AREA_START + at, new Uint8Array(2));
        this.#writeCommit();
      } catch {
        // Storage that cannot be written now (failing medium): the ring still opens and shows the loss; the
        // next start counts these records again, as it finds them again.
      }
    }
  }
}

/** The valid record starting at `off` in the area image, or undefined. */
function recordAt(area: Uint8Array, off: number): Entry | undefined {
  if (area[off] !== RECORD_MAGIC[0] || area[off + 1] !== RECORD_MAGIC[1]) return undefined;
  const n = area[off + 2] | (area[off + 3] << 8);
  const total = n + RECORD_OVERHEAD;
  if (off + total > area.length) return undefined;
  const crc = area[off + total - 2] | (area[off + total - 1] << 8);
  if (crc16(area, off + 2, off + RECORD_HEAD + n) !== crc) return undefined;
  return { seq: u32(area, off + 4), offset: off, total };
}
