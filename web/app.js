"use strict";
// The gateway page: plain DOM, no framework. Untrusted text (meter names, ids from the air) only ever goes
// through textContent / setAttribute, never innerHTML. Served by firmware/web/web-app.ts (firmware/web/assets.ts is generated from this file).
var csrf = "", nonce = "", doc = null, cfg = null, es = null, view = "meters";
var $ = function (s) { return document.querySelector(s); };
function el(tag, a) {
  var e = document.createElement(tag), k;
  a = a || {};
  for (k in a) {
    if (k === "text") e.textContent = a[k];
    else if (k.slice(0, 2) === "on") e.addEventListener(k.slice(2), a[k]);
    else if (a[k] !== undefined && a[k] !== null && a[k] !== false) e.setAttribute(k, a[k] === true ? "" : a[k]);
  }
  for (var i = 2; i < arguments.length; i++) {
    var c = arguments[i];
    if (c === null || c === undefined) continue;
    if (Array.isArray(c)) c.forEach(function (x) { if (x) e.append(x); });
    else e.append(c instanceof Node ? c : String(c));
  }
  return e;
}
function api(method, path, body, raw) {
  var h = {};
  if (body !== undefined) h["content-type"] = raw ? "application/octet-stream" : "application/json";
  if (csrf || nonce) h["x-csrf-token"] = csrf || nonce;
  return fetch(path, { method: method, headers: h, body: body === undefined ? undefined : raw ? body : JSON.stringify(body), credentials: "same-origin" })
    .then(function (r) { return r.json().catch(function () { return {}; }).then(function (d) { return { status: r.status, data: d }; }); });
}
function say(box, r, okText) {
  box.textContent = "";
  box.className = "msg " + (r.status < 300 ? "ok" : "bad");
  if (r.status < 300) box.append(okText || "saved", (r.data.notes || []).length ? " — " + r.data.notes.join("; ") : "");
  else box.append(el("b", { text: r.data.error || "refused (" + r.status + ")" }), el("ul", {}, (r.data.problems || []).map(function (p) { return el("li", { text: p }); })));
}
function field(label, input) { return el("label", {}, el("span", { text: label }), input); }
function val(form, name) { return form.elements[name].value; }
var UNITS = /_(m3h|m3|kwh|mwh|gj|kw|w|c|k|v|a|hz|h|d|s|pct|lh|l|bar|rh|hca|counter|dbm|ppm)$/;
function unitOf(k) { var m = UNITS.exec(k); return m ? [k.slice(0, m.index), m[1].replace("m3", "m³").replace("pct", "%")] : [k, ""]; }
var SKIP = { _: 1, media: 1, meter: 1, name: 1, id: 1, timestamp: 1, rssi_dbm: 1, device: 1 };
function chart(c) {
  if (!c || c.points.length < 2) return el("div", { class: "chart empty", text: "history appears after two readings" });
  var ns = "http://www.w3.org/2000/svg", s = document.createElementNS(ns, "svg"), p = document.createElementNS(ns, "polyline");
  var xs = c.points.map(function (q) { return q[0]; }), ys = c.points.map(function (q) { return q[1]; });
  var x0 = Math.min.apply(null, xs), x1 = Math.max.apply(null, xs), y0 = Math.min.apply(null, ys), y1 = Math.max.apply(null, ys);
  s.setAttribute("viewBox", "0 0 200 50"); s.setAttribute("class", "chart"); s.setAttribute("preserveAspectRatio", "none");
  p.setAttribute("points", c.points.map(function (q) { return ((q[0] - x0) / (x1 - x0 || 1) * 198 + 1).toFixed(1) + "," + (48 - (q[1] - y0) / (y1 - y0 || 1) * 46).toFixed(1); }).join(" "));
  s.append(p);
  var t = document.createElementNS(ns, "title"); t.textContent = c.field + ": " + y0 + " … " + y1; s.append(t);
  return s;
}
function meterCard(m) {
  var vals = [];
  if (m.values) for (var k in m.values) {
    var v = m.values[k];
    if (SKIP[k] || v === null || typeof v === "object") continue;
    var u = unitOf(k);
    vals.push(el("tr", {}, el("th", { text: u[0] }), el("td", { class: "v", text: String(v) }), el("td", { text: u[1] })));
  }
  return el("section", { class: "card", "data-meter": m.id },
    el("h3", {}, el("span", { class: "name", text: m.name }), " ", el("small", { text: m.id + " · " + m.driver })),
    el("p", { class: "meta", text: "RSSI " + (m.rssi_dbm === null ? "–" : m.rssi_dbm + " dBm") + " · last seen " + (m.last_seen || "never") + " · " + m.telegrams + " telegrams" }),
    vals.length ? el("table", { class: "vals" }, vals) : el("p", { class: "meta", text: "no reading yet" }),
    chart(m.chart));
}
function showMeters() {
  var main = $("#main");
  main.textContent = "";
  var probs = doc.config_problems || [];
  if (probs.length) main.append(el("div", { class: "msg bad" }, el("b", { text: "setting problems" }), el("ul", {}, probs.map(function (p) { return el("li", { text: p }); }))));
  main.append(el("h2", { text: "Meters (" + doc.meters.length + ")" }), el("div", { class: "grid" }, doc.meters.map(meterCard)));
}
function addForm(u) {
  var box = el("div", { class: "msg" });
  var f = el("form", { class: "add", "data-add": u.id, onsubmit: function (e) {
    e.preventDefault();
    api("POST", "/api/meters", { id: u.id, name: val(f, "name"), driver: val(f, "driver"), key: val(f, "key") }).then(function (r) { say(box, r, "meter added"); if (r.status < 300) refresh().then(function () { $("#main").prepend(box); }); });
  } },
    field("name", el("input", { name: "name", value: u.manufacturer + " " + u.id })),
    field("driver", driverSelect("driver", u.driver_guess)),
    field("key (32 hex, blank if unencrypted)", el("input", { name: "key", autocomplete: "off", spellcheck: "false", pattern: "[0-9A-Fa-f]{32}" })),
    el("button", { text: "add meter" }));
  return el("div", {}, f, box);
}
function driverSelect(name, sel) {
  return el("select", { name: name }, ((cfg && cfg.drivers) || ["auto"]).map(function (d) { return el("option", { value: d, selected: d === sel, text: d }); }));
}
function showHeard() {
  var main = $("#main");
  main.textContent = "";
  main.append(el("h2", { text: "Heard, not configured (" + doc.unknown_meters.length + ")" }));
  main.append(el("table", { class: "list" }, el("tr", {}, ["id", "manufacturer", "type", "mode", "RSSI", "count", "last seen", ""].map(function (h) { return el("th", { text: h }); })),
    doc.unknown_meters.map(function (u) {
      var slot = el("td", {});
      return el("tr", { "data-unknown": u.id }, el("td", { text: u.id }), el("td", { text: u.manufacturer }), el("td", { text: u.media }), el("td", { text: u.mode }),
        el("td", { text: u.rssi_dbm + " dBm" }), el("td", { text: u.count }), el("td", { text: u.last_seen }),
        el("td", {}, el("button", { text: "add", onclick: function () { slot.textContent = ""; slot.append(addForm(u)); } })), slot);
    })));
}
function flat(o, pre, rows) {
  for (var k in o) { var v = o[k]; if (v && typeof v === "object") flat(v, pre + k + ".", rows); else rows.push(el("tr", {}, el("th", { text: pre + k }), el("td", { text: String(v) }))); }
  return rows;
}
function showStatus() {
  var main = $("#main");
  main.textContent = "";
  main.append(el("h2", { text: "Status" }), el("p", { text: "firmware " + doc.firmware + " · up " + doc.uptime_s + " s · radio " + doc.radio_mode + " · time " + doc.time }));
  // every counter group the gateway reports (stats, radio, uplink, device, network, raw, repeater, web, …)
  for (var k in doc) if (doc[k] && typeof doc[k] === "object" && !Array.isArray(doc[k]) && k !== "config") main.append(el("h3", { text: k }), el("table", { class: "list", id: "st-" + k }, flat(doc[k], "", [])));
}
function form(title, fields, send, extra) {
  var box = el("div", { class: "msg" });
  var f = el("form", { "data-form": title, onsubmit: function (e) {
    e.preventDefault();
    send(f).then(function (r) { say(box, r); if (r.status < 300) loadSettings().then(function () { box.id = "flash"; $("#main").prepend(box); }); });
  } }, el("h3", { text: title }), fields, el("button", { text: extra || "save" }));
  return el("div", { class: "card" }, f, box);
}
function secretInput(name, state) { return el("input", { name: name, type: "password", autocomplete: "new-password", placeholder: state === "set" ? "set (blank keeps it)" : "none" }); }
function showSettings() {
  var s = cfg.settings, main = $("#main"), mq = s.mqtt || {}, w = s.wifi || {};
  main.textContent = "";
  main.append(el("h2", { text: "Settings" }));
  main.append(form("general", [field("gateway name", el("input", { name: "gatewayName", value: s.gatewayName })),
    field("radio mode", el("select", { name: "radioMode" }, cfg.radioModes.map(function (m) { return el("option", { value: m, selected: m === s.radioMode, text: m === "TC" ? "T1 + C1" : "S1" }); })))],
    function (f) { return api("POST", "/api/settings", { gatewayName: val(f, "gatewayName"), radioMode: val(f, "radioMode") }); }));
  main.append(form("Wi-Fi", [field("network (SSID)", el("input", { name: "ssid", value: w.ssid || "" })), field("password", secretInput("password", w.password))],
    function (f) { return api("POST", "/api/settings", { wifi: { ssid: val(f, "ssid"), password: val(f, "password") } }); }));
  main.append(form("MQTT", [field("broker URL (blank = off)", el("input", { name: "url", value: mq.url || "", placeholder: "mqtt://host:1883" })), field("user", el("input", { name: "user", value: mq.user || "" })),
    field("password", secretInput("password", mq.password)), field("topic prefix", el("input", { name: "topicPrefix", value: mq.topicPrefix || "wmbus" }))],
    function (f) { return api("POST", "/api/settings", { mqtt: val(f, "url") ? { url: val(f, "url"), user: val(f, "user"), password: val(f, "password"), topicPrefix: val(f, "topicPrefix") } : null }); }));
  main.append(form("HTTP", [field("POST URL (blank = off)", el("input", { name: "url", value: (s.http || {}).url || "" }))],
    function (f) { return api("POST", "/api/settings", { http: val(f, "url") ? { url: val(f, "url") } : null }); }));
  main.append(el("h3", { text: "Meters" }), el("div", {}, s.meters.map(function (m) {
    return form("meter " + m.id, [field("name", el("input", { name: "name", value: m.name })), field("driver", driverSelect("driver", m.driver)),
      field("key", secretInput("key", m.key)), el("label", { class: "inline" }, el("input", { type: "checkbox", name: "remove" }), "remove this meter")],
      function (f) { return f.elements.remove.checked ? api("DELETE", "/api/meters/" + m.id) : api("POST", "/api/meters/" + m.id, { name: val(f, "name"), driver: val(f, "driver"), key: val(f, "key") }); });
  })));
  main.append(form("add a meter", [field("id (8 hex)", el("input", { name: "id" })), field("name", el("input", { name: "name" })), field("driver", driverSelect("driver", "auto")), field("key", secretInput("key", "none"))],
    function (f) { return api("POST", "/api/meters", { id: val(f, "id"), name: val(f, "name"), driver: val(f, "driver"), key: val(f, "key") }); }, "add"));
  main.append(form("admin password", [field("current", el("input", { name: "current", type: "password" })), field("new (8+ characters)", el("input", { name: "next", type: "password", autocomplete: "new-password" }))],
    function (f) { return api("POST", "/api/password", { current: val(f, "current"), next: val(f, "next") }); }));
  main.append(form("API token (" + cfg.auth.apiToken + ")", [field("new token (16+ characters, blank removes)", secretInput("token", cfg.auth.apiToken))],
    function (f) { return api("POST", "/api/api-token", { token: val(f, "token") }); }));
  if (cfg.ota) {
    main.append(form("firmware update", [el("p", { text: "running " + cfg.firmware + " on " + cfg.ota.board + "; update file made by host/ota-image.ts" }), el("input", { name: "image", type: "file" })],
      function (f) { var file = f.elements.image.files[0]; return file ? api("POST", "/api/ota", file, true) : Promise.resolve({ status: 400, data: { error: "choose a file" } }); }, "upload"));
  }
  main.append(form("access point", [el("p", { text: "Reopen the onboarding access point (settings are kept)." })], function () { return api("POST", "/api/onboarding-mode", {}); }, "open onboarding"));
}
function render() {
  document.querySelectorAll("#nav a").forEach(function (a) { a.classList.toggle("on", a.getAttribute("href") === "#" + view); });
  if (view === "settings") return cfg ? showSettings() : loadSettings();
  if (!doc) return;
  if (view === "heard") showHeard(); else if (view === "status") showStatus(); else showMeters();
}
function refresh() { return api("GET", "/api/status").then(function (r) { if (r.status === 200) { doc = r.data; if (view !== "settings") render(); } }); }
function loadSettings() { return api("GET", "/api/settings").then(function (r) { if (r.status === 200) { cfg = r.data; if (view === "settings") showSettings(); } }); }
function live() {
  if (es) es.close();
  es = new EventSource("/api/events");
  es.addEventListener("reading", function (e) {
    var d = JSON.parse(e.data), m = doc && doc.meters.find(function (x) { return x.id === d.id; });
    if (!m) return;
    m.values = d.reading; m.telegrams++; m.last_seen = d.reading.timestamp; m.rssi_dbm = d.reading.rssi_dbm;
    if (m.chart && m.chart.field && typeof d.reading[m.chart.field] === "number") { m.chart.points.push([Date.parse(d.reading.timestamp) / 1000, d.reading[m.chart.field]]); if (m.chart.points.length > 48) m.chart.points.shift(); }
    if (view === "meters") { var old = document.querySelector('[data-meter="' + CSS.escape(d.id) + '"]'); if (old) old.replaceWith(meterCard(m)); }
    $("#live").textContent = "live · " + d.reading.timestamp;
  });
  es.addEventListener("status", function (e) { var s = JSON.parse(e.data); if (doc) { for (var k in s) doc[k] = s[k]; if (view === "status") showStatus(); } });
}
function start() {
  $("#nav").hidden = false;
  Promise.all([refresh(), loadSettings()]).then(function () { render(); live(); });
  setInterval(refresh, 60000);
}
function showLogin(msg) {
  $("#nav").hidden = true;
  var main = $("#main"), box = el("div", { class: "msg" });
  main.textContent = "";
  var f = el("form", { id: "login", onsubmit: function (e) {
    e.preventDefault();
    api("POST", "/api/login", { password: val(f, "password") }).then(function (r) { if (r.status === 200) { csrf = r.data.csrf; start(); } else say(box, r); });
  } }, el("h2", { text: "Log in" }), field("admin password", el("input", { name: "password", type: "password", autocomplete: "current-password", autofocus: true })), el("button", { text: "log in" }));
  main.append(f, box);
  if (msg) box.append(msg);
}
function showOnboarding() {
  $("#nav").hidden = true;
  api("GET", "/api/onboarding").then(function (r) {
    nonce = r.data.nonce || "";
    var main = $("#main"), box = el("div", { class: "msg" });
    main.textContent = "";
    var nets = (r.data.networks || []).map(function (n) { return el("option", { value: n.ssid, text: n.ssid + " (" + n.rssi + " dBm)" }); });
    var f = el("form", { id: "onboarding", onsubmit: function (e) {
      e.preventDefault();
      if (val(f, "admin") !== val(f, "admin2")) { box.className = "msg bad"; box.textContent = "the two admin passwords differ"; return; }
      api("POST", "/api/onboarding", { ssid: val(f, "other") || val(f, "ssid"), wifiPassword: val(f, "wifiPassword"), adminPassword: val(f, "admin") }).then(function (res) {
        say(box, res, "saved");
        if (res.status === 200) { nonce = ""; main.textContent = ""; main.append(el("div", { class: "msg ok", text: res.data.next })); setTimeout(function () { showLogin("onboarding done: log in with the new admin password"); }, 800); }
      });
    } }, el("h2", { text: "Welcome: set up the gateway" }),
      field("Wi-Fi network", el("select", { name: "ssid" }, nets)), field("or another network", el("input", { name: "other", placeholder: "hidden SSID" })),
      field("Wi-Fi password", el("input", { name: "wifiPassword", type: "password", autocomplete: "off" })),
      field("new admin password (8+ characters)", el("input", { name: "admin", type: "password", autocomplete: "new-password" })),
      field("admin password again", el("input", { name: "admin2", type: "password", autocomplete: "new-password" })), el("button", { text: "save and join" }));
    main.append(f, box);
  });
}
window.addEventListener("hashchange", function () { view = location.hash.slice(1) || "meters"; render(); });
$("#logout").addEventListener("click", function (e) { e.preventDefault(); api("POST", "/api/logout", {}).then(function () { csrf = ""; if (es) es.close(); showLogin(); }); });
view = location.hash.slice(1) || "meters";
api("GET", "/api/session").then(function (r) {
  $("#title").textContent = r.data.name || "wM-Bus gateway";
  if (r.data.onboarding && !r.data.authenticated) showOnboarding();
  else if (r.data.authenticated) { csrf = r.data.csrf || ""; start(); }
  else showLogin();
});
