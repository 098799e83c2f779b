import { describe, expect, it } from "vitest";
import { Supervisor } from "../../firmware/gateway/supervisor.js";

/** Simulated time: repeat timers fire as `advance` passes them. */
function simTimers() {
  let now = 0;
  const jobs: { cb: () => void; every: number; next: number; live: boolean }[] = [];
  return {
    ticks: () => now,
    repeat: (cb: () => void, ms: number) => {
      const j = { cb, every: ms, next: now + ms, live: true };
      jobs.push(j);
      return j;
    },
    clear: (h: unknown) => {
      (h as { live: boolean }).live = false;
    },
    advance(ms: number) {
      const end = now + ms;
      for (;;) {
        const due = jobs.filter((j) => j.live && j.next <= end).sort((a, b) => a.next - b.next)[0];
        if (!due) break;
        now = due.next;
        due.next += due.every;
        due.cb();
      }
      now = end;
    },
  };
}

function setup() {
  const t = simTimers();
  const log: string[] = [];
  const calls = { wifi: [] as number[], sntp: [] as number[], radio: [] as number[], led: [] as boolean[] };
  const s = new Supervisor({
    timers: t,
    actions: {
      connectWifi: () => calls.wifi.push(t.ticks()),
      requestTime: () => calls.sntp.push(t.ticks()),
      restartRadio: () => calls.radio.push(t.ticks()),
      led: (on) => calls.led.push(on),
      log: (m) => log.push(m),
    },
  });
  s.start();
  return { t, s, calls, log };
}

describe("supervisor", () => {
  it("retries Wi-Fi with doubling delays up to 5 min and resets the backoff once connected", () => {
    const { t, s, calls } = setup();
    t.advance(20 * 60_000);
    const gaps = calls.wifi.slice(1).map((at, i) => at - calls.wifi[i]);
    expect(gaps.slice(0, 6)).toEqual([2000, 4000, 8000, 16000, 32000, 64000]);
    expect(Math.max(...gaps)).toBe(300_000);
    s.wifiChanged(true);
    const n = calls.wifi.length;
    t.advance(60_000);
    expect(calls.wifi.length).toBe(n);
    s.wifiChanged(false);
    t.advance(2500);
    expect(calls.wifi.length).toBe(n + 1);
    expect(calls.wifi[n] - (t.ticks() - 2500)).toBeLessThanOrEqual(2000);
  });

  it("asks SNTP on connect, every 30 s until answered, then once a day", () => {
    const { t, s, calls } = setup();
    s.wifiChanged(true);
    t.advance(61_000);
    expect(calls.sntp).toHaveLength(3);
    s.clockSet();
    t.advance(23 * 3_600_000);
    expect(calls.sntp).toHaveLength(3);
    t.advance(3_600_000);
    expect(calls.sntp).toHaveLength(4);
  });

  it("restarts the radio after 15 min without frames, never while frames come", () => {
    const { t, s, calls } = setup();
    for (let i = 0; i < 60; i++) {
      t.advance(60_000);
      s.frame();
    }
    expect(calls.radio).toHaveLength(0);
    t.advance(15 * 60_000);
    expect(calls.radio).toHaveLength(1);
    expect(s.stats().radioRestarts).toBe(1);
  });

  it("lights the LED only while connected", () => {
    const { t, s, calls } = setup();
    t.advance(3000);
    expect(calls.led.at(-1)).toBe(false);
    s.wifiChanged(true);
    t.advance(1000);
    expect(calls.led.at(-1)).toBe(true);
  });
});
