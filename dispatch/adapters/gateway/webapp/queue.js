// The phone's report queue (IndexedDB, database "gridline"): every report is put here first,
// with the idempotency id the phone made for it, and leaves only when the gateway has answered
// for it — sent once and only once however often the network comes and goes (a resend after a
// lost answer carries the same id, and the gateway returns the same incident). Used by the
// page and by the service worker (importScripts), so no DOM here.
"use strict";
const GridlineQueue = (() => {
  const DB = "gridline";
  const REPORTS = "reports";
  const KV = "kv";
  const LOCK = "gridline-report-queue";
  // Refusals that a resend cannot change: the report is kept, marked, and not sent again.
  const FINAL = new Set([400, 403, 404, 409, 413, 415, 422]);
  let dbp = null;

  function open() {
    if (dbp) return dbp;
    dbp = new Promise((resolve, reject) => {
      const req = indexedDB.open(DB, 1);
      req.onupgradeneeded = () => {
        const db = req.result;
        if (!db.objectStoreNames.contains(REPORTS)) db.createObjectStore(REPORTS, { keyPath: "id" });
        if (!db.objectStoreNames.contains(KV)) db.createObjectStore(KV, { keyPath: "k" });
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    return dbp;
  }

  async function tx(store, mode, fn) {
    const db = await open();
    return new Promise((resolve, reject) => {
      const t = db.transaction(store, mode);
      const out = fn(t.objectStore(store));
      t.oncomplete = () => resolve(out && "result" in out ? out.result : undefined);
      t.onerror = () => reject(t.error);
      t.onabort = () => reject(t.error);
    });
  }

  function newId() {
    const b = new Uint8Array(16);
    crypto.getRandomValues(b);
    return "r-" + Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  }

  const put = (report) => tx(REPORTS, "readwrite", (s) => s.put(report));
  const remove = (id) => tx(REPORTS, "readwrite", (s) => s.delete(id));
  const get = (id) => tx(REPORTS, "readonly", (s) => s.get(id));
  async function all() {
    const rows = (await tx(REPORTS, "readonly", (s) => s.getAll())) || [];
    return rows.sort((a, b) => a.created - b.created);
  }
  const kvGet = async (k) => ((await tx(KV, "readonly", (s) => s.get(k))) || {}).v;
  const kvSet = (k, v) => tx(KV, "readwrite", (s) => s.put({ k, v }));
  const kvDelete = (k) => tx(KV, "readwrite", (s) => s.delete(k));

  function form(report) {
    const f = new FormData();
    f.append("idempotency_id", report.id);
    f.append("class_code", report.class_code);
    f.append("description", report.description);
    if (report.lon != null && report.lat != null) {
      f.append("lon", String(report.lon));
      f.append("lat", String(report.lat));
    } else if (report.address) {
      f.append("address", report.address);
    }
    for (const p of report.photos || []) f.append("photos", p.blob, p.name);
    return f;
  }

  // Send what waits, oldest first, one sender at a time (a Web Lock shared by the page and the
  // service worker). Stops at the first network failure or a refusal worth retrying (401: log
  // in again; 429/5xx: later). Returns {sent: [{report, answer}], rejected, stopped}.
  async function flush(base, token) {
    const run = async () => {
      const out = { sent: [], rejected: [], stopped: null };
      if (!token) { out.stopped = "login"; return out; }
      for (const report of await all()) {
        if (report.error) continue;
        let r;
        try {
          r = await fetch(`${base}/api/v1/reports`, {
            method: "POST", body: form(report), headers: { Authorization: `Bearer ${token}` },
          });
        } catch (e) {
          out.stopped = "network";
          break;
        }
        let body = {};
        try { body = await r.json(); } catch (e) { body = {}; }
        if (r.ok) {
          await remove(report.id);
          out.sent.push({ report, answer: body });
        } else if (FINAL.has(r.status)) {
          report.error = { status: r.status, code: body.code || "", message: body.message || "" };
          await put(report);
          out.rejected.push(report);
        } else {
          out.stopped = r.status === 401 ? "login" : "later";
          break;
        }
      }
      return out;
    };
    if (self.navigator && navigator.locks) return navigator.locks.request(LOCK, run);
    return run();
  }

  return { open, put, remove, get, all, kvGet, kvSet, kvDelete, newId, flush };
})();
