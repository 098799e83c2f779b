import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { fromHex, hex16, hex8, toHex } from "../../firmware/util/hex.js";
import { WmbusError } from "../../firmware/errors.js";

// Node's own hex codec is the independent truth for the digits; the separators are ours (README, CLI usage).
describe("hex text (util/hex.ts)", () => {
  it("toHex spells every byte value as Node's Buffer does, upper case", () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(toHex(all)).toBe(Buffer.from(all).toString("hex").toUpperCase());
    expect(toHex(all, 250, 253)).toBe("FAFBFC");
    expect(toHex(all, 7, 7)).toBe("");
  });

  it("fromHex reads what Node's Buffer reads, either case, separators skipped", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.constantFrom(" ", "_", "|", "#", ":", "-", "\t", "\r\n", ""), fc.boolean(), (bytes, sep, lower) => {
        const hex = Buffer.from(bytes).toString("hex");
        const text = (lower ? hex : hex.toUpperCase()).replace(/(..)/g, "$1" + sep);
        expect(Array.from(fromHex(text))).toEqual(Array.from(bytes));
        expect(fromHex(toHex(bytes))).toEqual(Uint8Array.from(bytes));
      }),
    );
  });

  it("refuses a non-hex character or an odd digit count with bad_hex, naming where", () => {
    const err = (text: string) => {
      try {
        fromHex(text);
      } catch (e) {
        return e as WmbusError;
      }
      throw new Error("no error");
    };
    expect(err("2E 4G").message).toBe("not a hex digit: 'G' at character 4");
    expect(err("2E 4G").offset).toBe(4);
    expect(err("2E4").message).toBe("odd number of hex digits (3)");
    expect(err("2E4").code).toBe("bad_hex");
    expect(err("0x12").message).toBe("not a hex digit: 'x' at character 1");
  });

  it("hex8 and hex16", () => {
    expect(hex8(0x0a)).toBe("0A");
    expect(hex8(0x1ff)).toBe("FF");
    expect(hex16(0xbeef)).toBe("BEEF");
  });
});
