/**
 * Spoof flood (#15): `count` frames with the configured meter's link address and a fresh TPL id each, through
 * one gateway. Prints one JSON line: readings, unknown frames, unknown-table size and heap growth after GC.
 * Run with `node --expose-gc build/host-tests/fuzz/spoof-flood.js [count]` (default 100 000).
 */
import { gatewayWith, radio, spoofFrame } from "./hostile-frames.js";

const count = Number(process.argv[2] ?? 100_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run node with --expose-gc");

const { gateway, hub, clock } = gatewayWith({ meters: [{ id: "12345678", name: "gas", driver: "auto" }] });
const start = clock.now();
// warm-up: fill every bounded table once, then measure
const warm = Math.min(5000, count);
for (let i = 0; i < warm; i++) gateway.handleFrame(radio(spoofFrame(0x10000000 + i)));
gc();
gc();
const before = process.memoryUsage().heapUsed;
for (let i = warm; i < count; i++) {
  clock.advanceTo(start + i * 8); // 125 frames/s
  gateway.handleFrame(radio(spoofFrame(0x10000000 + i)));
}
gc();
gc();
const after = process.memoryUsage().heapUsed;
const s = gateway.stats();
console.log(JSON.stringify({
  frames: s.frames, readings: s.readings, submitted: hub.readings.length, unknownFrames: s.unknownFrames,
  unknownMeters: s.unknownMeters, decodeErrors: s.decodeErrors, heapGrowthBytes: after - before,
}));
