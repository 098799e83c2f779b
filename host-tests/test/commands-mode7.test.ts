/**
 * Mode 7 commands (EN 13757-7 §6 AFL, §9.6 KDF-A; OMS Vol.2): a meter that sends mode 7 gets its SND-UD in mode 7,
 * AES-CBC with IV 0 under Lenc and an AFL CMAC-8 under Lmac, the gateway → meter keys (derivation constants 10 and
 * 11, docs/protocol.md §5.6), over the gateway's message counter (AFL MCR) and the meter's DLL ID.
 *
 * The check is independent of firmware/security: KDF-A and the MAC are computed here with @noble/ciphers' CMAC and
 * node:crypto's AES-CBC, and that KDF is first confirmed against the published STD-8 keys (CEN/TR 17167:2018
 * Annex F.3, protocol vector STD-8: Kenc ECCF…D52F and Kmac C9CD…C7AD for MCR B30A0000 and ID 78563412).
 */
import { describe, expect, it } from "vitest";
import { createDecipheriv } from "node:crypto";
import { cmac as nobleCmac } from "@noble/ciphers/aes.js";
import { fromHex, toHex } from "../../firmware/util/hex.js";
import { CommandQueue, commandFrame } from "../../firmware/gateway/commands.js";
import { decodeTelegram } from "../../firmware/decoder/decode.js";
import { addressBytes } from "../../firmware/link/dll-encode.js";
import { stripFrameA } from "../../firmware/link/frame-format.js";
import type { TransmitRequest } from "../../firmware/radio/transmit.js";
import { nodeCipher } from "../../host/aes-node.js";
import { CommandService } from "../../firmware/gateway/command-service.js";
import { parseConfig } from "../../firmware/gateway/config.js";
import { MemoryKeyValueStore } from "../../firmware/platform/memory-store.js";

const cipher = nodeCipher();
const K0 = fromHex("000102030405060708090A0B0C0D0E0F");

/** KDF-A written from the standard's text: CMAC(master, DC ‖ MCR (LE) ‖ ID (LE) ‖ 07 × 7). */
function kdf(master: Uint8Array, dc: number, mcrLe: Uint8Array, idLe: Uint8Array): Uint8Array {
  const input = new Uint8Array(16).fill(0x07);
  input[0] = dc;
  input.set(mcrLe, 1);
  input.set(idLe, 5);
  return nobleCmac(input, master);
}

function cbcDecrypt(key: Uint8Array, data: Uint8Array): Uint8Array {
  const d = createDecipheriv("aes-128-cbc", key, new Uint8Array(16));
  d.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([d.update(data), d.final()]));
}

const STD8 = "53082448443322110337 8E80753A63665544330A31 900F002C25B30A0000AF5D74DF73A600D9 7278563412931533037500200710 9058475F4BC91DF878B80A1B0F98B629 024AAC727942BFC549233C0140829B93";

/** Checks a mode 7 SND-UD (CRCs stripped) independently; returns its decrypted APL. */
function openCommand(stripped: Uint8Array, idLe: Uint8Array, master: Uint8Array): { mcr: number; acc: number; plain: Uint8Array } {
  expect(stripped[1]).toBe(0x53); // SND-UD
  let p = 10;
  expect(toHex(stripped.subarray(p, p + 5))).toBe("900F002C25"); // AFL, AFLL 15, FCL 2C00 (MCL, MCR, MAC), MCL 25 (CMAC-8, MCR)
  const mcrLe = stripped.subarray(p + 5, p + 9);
  const mac = stripped.subarray(p + 9, p + 17);
  p += 17;
  expect(stripped[p]).toBe(0x5a); // TPL short header
  const acc = stripped[p + 1];
  const cfg = stripped[p + 3] | (stripped[p + 4] << 8);
  expect((cfg >> 8) & 0x1f).toBe(7);
  expect(stripped[p + 5]).toBe(0x10); // CFG extension: KDF-A, key 0
  const blocks = (cfg >> 4) & 0x0f;
  const enc = stripped.subarray(p + 6);
  expect(enc.length).toBe(blocks * 16);
  const lenc = kdf(master, 0x10, mcrLe, idLe);
  const lmac = kdf(master, 0x11, mcrLe, idLe);
  const macInput = new Uint8Array([0x25, ...mcrLe, ...stripped.subarray(p)]);
  expect(toHex(nobleCmac(macInput, lmac).subarray(0, 8))).toBe(toHex(mac));
  const mcr = mcrLe[0] | (mcrLe[1] << 8) | (mcrLe[2] << 16) | (mcrLe[3] * 0x1000000);
  // the meter → gateway key does not open it: a command is sealed for the other direction
  expect(toHex(cbcDecrypt(kdf(master, 0x00, mcrLe, idLe), enc)).startsWith("2F2F")).toBe(false);
  return { mcr, acc, plain: cbcDecrypt(lenc, enc) };
}

describe("mode 7 commands", () => {
  it("the test's KDF-A gives the STD-8 keys (CEN/TR 17167 F.3)", () => {
    const mcr = fromHex("B30A0000"), id = fromHex("78563412");
    expect(toHex(kdf(K0, 0x00, mcr, id))).toBe("ECCF39D475D730B8284FDFDC1995D52F");
    expect(toHex(kdf(K0, 0x01, mcr, id))).toBe("C9CD19FF5A9AAD5A6BBDA13BD2C4C7AD");
  });

  it("commandFrame: AFL MCR + CMAC-8 with Lmac, CBC under Lenc, records after 2F 2F, 2F padding", () => {
    const address = addressBytes("ELS", "11223344", 1, 0x21);
    const frame = commandFrame({ c: 0x53, address, acc: 0x42, mode: 7, mcr: 2739, records: [{ dataField: 1, function: "instantaneous", storage: 0, vib: fromHex("FD1F"), data: fromHex("00") }] }, { cipher, key: K0, toMeter: true });
    const s = stripFrameA(frame)!;
    expect(s).not.toBeNull();
    const { mcr, acc, plain } = openCommand(s, fromHex("44332211"), K0);
    expect([mcr, acc]).toEqual([2739, 0x42]);
    expect(toHex(plain)).toBe("2F2F" + "01FD1F00" + "2F".repeat(10));
  });

  it("the queue answers a mode 7 meter (STD-8's telegram opens the window) in mode 7 with a rising counter", async () => {
    const sent: TransmitRequest[] = [];
    const queue = new CommandQueue({
      now: () => 0, cipher, keyFor: () => K0.slice(), isConfigured: () => true, publish: () => undefined,
      transmitter: { transmit: async (r) => (sent.push(r), { ok: true, startedAt: r.startAt ?? 0, endedAt: (r.startAt ?? 0) + 5 }) },
    });
    const t = decodeTelegram(fromHex(STD8.replace(/ /g, ""))).telegram; // no key needed: the headers are plain
    expect(t.tpl!.securityMode).toBe(7);
    for (const id of ["a", "b"]) {
      expect(queue.submit("11223344", { id, kind: "snd_ud", records: [{ dif: 1, vib: "FD1F", data: "01" }] }, true).ok).toBe(true);
      await queue.onTelegram("11223344", t, "C", 0);
    }
    expect(sent.length).toBe(2);
    const opened = sent.map((r) => openCommand(stripFrameA(r.bytes)!, fromHex("44332211"), K0));
    expect(opened.map((o) => o.mcr)).toEqual([1, 2]);
    expect(opened.map((o) => o.acc)).toEqual([0x75, 0x75]); // the access number of the meter's telegram
    expect(toHex(opened[0].plain).slice(0, 12)).toBe("2F2F01FD1F01");
    expect(sent[0].mode).toBe("C2-down");
  });

  it("a restart does not use a message counter again: CommandService keeps them in its store", async () => {
    const { config, problems } = parseConfig({ gatewayId: "gw", meters: [{ id: "11223344", key: toHex(K0), driver: "auto" }] });
    expect(problems).toEqual([]);
    const store = new MemoryKeyValueStore();
    const t = decodeTelegram(fromHex(STD8.replace(/ /g, ""))).telegram;
    const counters: number[] = [];
    for (let boot = 0; boot < 3; boot++) {
      const sent: TransmitRequest[] = [];
      const commands = new CommandService({
        config: () => config, now: () => 0, cipher, store,
        transmitter: { transmit: async (r) => (sent.push(r), { ok: true, startedAt: r.startAt ?? 0, endedAt: (r.startAt ?? 0) + 5 }) },
      });
      expect(commands.counterProblem).toBeUndefined();
      for (const id of ["a", "b"]) {
        expect(commands.submit("11223344", { id, kind: "snd_ud", records: [{ dif: 1, vib: "FD1F", data: "01" }] }, true).ok).toBe(true);
        await commands.onTelegram("11223344", t, { bytes: new Uint8Array(0), format: "A", mode: "C", receivedAt: 0, rssi: -60 } as never);
      }
      // the counter is read from each frame by the independent check, not asked of the gateway
      counters.push(...sent.map((r) => openCommand(stripFrameA(r.bytes)!, fromHex("44332211"), K0).mcr));
    }
    expect(counters.length).toBe(6);
    for (let i = 1; i < counters.length; i++) expect(counters[i]).toBeGreaterThan(counters[i - 1]);
    expect(counters.slice(0, 2)).toEqual([1, 2]);
  });
});
