/**
 * POST /api/meters/<id>/command and GET its outcome (firmware/web/web-api.ts) on the simulated device: the same
 * gate as settings (401 logged out, 403 without the CSRF token, the API token for scripts), and each refusal of
 * the command path with its status: unconfigured meter 404, meter without a key 409 (a command is never sent in
 * plaintext), a malformed command 400, the same command id twice 409; an accepted command is 202 and its outcome
 * can be read back.
 */
import { describe, expect, it } from "vitest";
import { saveConfig } from "../../firmware/gateway/config.js";
import { MemoryKeyValueStore } from "../../firmware/platform/memory-store.js";
import { cookieValue, SESSION_COOKIE } from "../../firmware/web/auth.js";
import { fullBody, type WebRequest } from "../../firmware/web/web-app.js";
import { Apartment } from "../sim/apartment.js";
import { nodeCipher } from "../../host/aes-node.js";
import { SimDevice } from "../../host/web-sim-device.js";

const CLOSE = { id: "close-1", kind: "snd_ud", records: [{ dif: 1, vib: "FD1F", data: "00" }] };

describe("web API: commands", () => {
  it("needs login and CSRF, refuses unconfigured and keyless meters and bad commands, queues and reports the rest", async () => {
    const apartment = new Apartment({ cipher: nodeCipher(), seed: 5 });
    const store = new MemoryKeyValueStore();
    const settings = apartment.settings("cmd-web", {});
    saveConfig(store, { ...settings, meters: [...(settings.meters as object[]), { id: "12121212", name: "no key", driver: "auto" }] });
    const device = new SimDevice({ store, apartment, iterations: 50 });
    const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
      const req: WebRequest = { method, path, headers: { ...(body !== undefined ? { "content-type": "application/json" } : {}), ...headers }, body: body === undefined ? undefined : JSON.stringify(body) };
      const r = device.app.handle(req);
      return { status: r.status, json: JSON.parse(fullBody(r)) as Record<string, any>, headers: r.headers };
    };
    try {
      const keyed = device.gateway.config.meters.find((m) => m.key)!.id;
      expect(device.gateway.config.meters.find((m) => m.id === "12121212")?.key).toBeUndefined();
      device.app.auth.setAdminPassword("admin-pass-1");
      const path = `/api/meters/${keyed}/command`;

      expect(call("POST", path, CLOSE).status).toBe(401);
      expect(call("GET", path).status).toBe(401);
      const login = call("POST", "/api/login", { password: "admin-pass-1" });
      expect(login.status).toBe(200);
      const cookie = `${SESSION_COOKIE}=${cookieValue(login.headers.find((h) => h[0] === "set-cookie")![1], SESSION_COOKIE)}`;
      const csrf = login.json.csrf as string;
      expect(call("POST", path, CLOSE, { cookie }).status).toBe(403);
      expect(call("POST", path, CLOSE, { cookie, "x-csrf-token": "0".repeat(32) }).status).toBe(403);
      expect(device.commands.queue.pending(keyed)).toBe(0);

      const session = { cookie, "x-csrf-token": csrf };
      expect(call("POST", "/api/meters/99999999/command", CLOSE, session)).toMatchObject({ status: 404, json: { error: "command refused", code: "not_configured", detail: "meter 99999999 is not configured" } });
      expect(call("POST", "/api/meters/12121212/command", CLOSE, session)).toMatchObject({ status: 409, json: { error: "command refused", code: "no_key", detail: "meter 12121212 has no key: commands are only sent encrypted" } });
      expect(call("POST", path, { kind: "open_sesame" }, session)).toMatchObject({ status: 400, json: { code: "bad_command", detail: "kind must be one of snd_ud, req_ud2, snd_nke, ack" } });
      expect(call("POST", path, { kind: "snd_ud", records: [{ dif: 0x0f, vib: "FD1F", data: "00" }] }, session)).toMatchObject({ status: 400, json: { code: "bad_command" } });
      expect(device.commands.queue.pending("12121212")).toBe(0);

      const ok = call("POST", path, CLOSE, session);
      expect(ok).toMatchObject({ status: 202, json: { ok: true, id: "close-1", outcome: `${path}/close-1` } });
      expect(device.commands.queue.pending(keyed)).toBe(1);
      expect(call("POST", path, CLOSE, session)).toMatchObject({ status: 409, json: { code: "duplicate" } });
      const one = call("GET", `${path}/close-1`, undefined, { cookie });
      expect(one.status).toBe(200);
      expect(one.json).toMatchObject({ meter: keyed, id: "close-1", state: "queued", outcomes: [{ id: "close-1", kind: "snd_ud", state: "queued", attempts: 0 }] });
      expect(call("GET", `${path}/nope`, undefined, { cookie }).status).toBe(404);
      // scripts: the API token, no CSRF
      device.app.auth.setApiToken("script-token-abcdef123");
      const bearer = { authorization: "Bearer script-token-abcdef123" };
      expect(call("POST", path, { kind: "req_ud2" }, bearer).status).toBe(202);
      const all = call("GET", path, undefined, bearer).json;
      expect(all.outcomes.filter((o: { state: string }) => o.state === "queued").map((o: { kind: string }) => o.kind)).toEqual(["snd_ud", "req_ud2"]);
      expect(JSON.stringify(all)).not.toContain(device.gateway.config.meters.find((m) => m.id === keyed)!.key);
    } finally {
      await device.close();
    }
  });
});
