// The grid worker's phone app: log in, report (GPS or address, class, description, photos;
// queued in IndexedDB and sent when the network allows), my work orders (签收, arrive, handle,
// 反馈 and 核查 with before/after photos), patrol (my track while on). The field API is
// docs/GATEWAY.md; every text comes from the message catalogue (i18n.js).
"use strict";
const $ = (sel, root = document) => root.querySelector(sel);
const t = (k, p) => I18n.t(k, p);
const SESSION = "gridline.session";
const CLASSES = "gridline.classes";
const SENT = "gridline.sent";
const state = { session: null, classes: [], position: null, orders: [], patrol: null };

// ------------------------------------------------------------------ small helpers

function toast(text, kind = "info") {
  const el = $("#toast");
  el.textContent = text;
  el.className = `toast ${kind}`;
  el.hidden = !text;
}

function el(tag, attrs = {}, text = "") {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text) e.textContent = text;
  return e;
}

function when(ts) {
  if (!ts) return "";
  return new Date(ts * 1000).toLocaleString(I18n.lang === "zh_CN" ? "zh-CN" : "en-GB",
    { month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" });
}

class ApiError extends Error {
  constructor(status, body) {
    super(body.message || `HTTP ${status}`);
    this.status = status;
    this.code = body.code || "";
  }
}

async function api(path, { method = "GET", json, form } = {}) {
  const headers = {};
  if (state.session) headers.Authorization = `Bearer ${state.session.token}`;
  let body;
  if (json !== undefined) { headers["Content-Type"] = "application/json"; body = JSON.stringify(json); }
  if (form !== undefined) body = form;
  const r = await fetch(`/api/v1${path}`, { method, headers, body });
  let data = {};
  try { data = await r.json(); } catch (e) { data = {}; }
  if (r.status === 401 && state.session) { endSession(); }
  if (!r.ok) throw new ApiError(r.status, data);
  return data;
}

function problem(err) {
  if (err instanceof ApiError) return t("error.refused", { message: err.message });
  return t("error.network");
}

// Photos need the bearer token, so they are fetched and shown from blob: URLs.
async function showPhoto(container, media, caption) {
  const fig = el("figure", { class: "thumb" });
  const img = el("img", { alt: caption || media.kind, "data-media-id": media.media_id });
  fig.append(img);
  container.append(fig);
  try {
    const r = await fetch(media.thumb_url, { headers: { Authorization: `Bearer ${state.session.token}` } });
    if (r.ok) img.src = URL.createObjectURL(await r.blob());
  } catch (e) { /* offline: the caption stays */ }
}

function previewFiles(input, container) {
  container.replaceChildren();
  for (const f of input.files) {
    const img = el("img", { alt: f.name });
    img.src = URL.createObjectURL(f);
    const fig = el("figure", { class: "thumb" });
    fig.append(img);
    container.append(fig);
  }
}

// ------------------------------------------------------------------ session

function startSession(s) {
  state.session = s;
  localStorage.setItem(SESSION, JSON.stringify(s));
  GridlineQueue.kvSet("token", s.token);
  $("#login-view").hidden = true;
  $("#main-view").hidden = false;
  $("#logout").hidden = false;
  $("#who").textContent = t(s.unit_id ? "who.with_unit" : "who.plain",
    { name: s.display_name || s.operator, unit: s.unit_id || "" });
  showTab("report");
  loadClasses();
  locate();
  flushQueue();
}

function endSession() {
  state.session = null;
  state.position = null;
  localStorage.removeItem(SESSION);
  GridlineQueue.kvDelete("token");
  stopPatrol();
  $("#main-view").hidden = true;
  $("#login-view").hidden = false;
  $("#logout").hidden = true;
  toast(t("login.again"), "warn");
}

async function login(ev) {
  ev.preventDefault();
  const button = $("#login-submit");
  button.disabled = true;
  try {
    const s = await api("/login", { method: "POST", json: {
      user: $("#login-user").value.trim(), password: $("#login-password").value,
      unit_id: $("#login-unit").value.trim() } });
    $("#login-password").value = "";
    toast("");
    startSession(s);
  } catch (err) {
    toast(err instanceof ApiError && err.status === 401 ? t("login.failed") : problem(err), "error");
  } finally {
    button.disabled = false;
  }
}

async function logout() {
  try { await api("/logout", { method: "POST" }); } catch (e) { /* ends here anyway */ }
  endSession();
  toast("");
}

// ------------------------------------------------------------------ tabs

function showTab(name) {
  document.querySelectorAll("[data-tab]").forEach((b) => {
    b.setAttribute("aria-selected", String(b.dataset.tab === name));
  });
  document.querySelectorAll(".tab").forEach((p) => { p.hidden = p.id !== `tab-${name}`; });
  if (name === "orders") loadOrders();
}

// ------------------------------------------------------------------ report: where

function showPosition() {
  const p = state.position;
  $("#loc-status").textContent = p
    ? t(p.source === "gps" ? "loc.gps" : p.source === "map" ? "loc.map" : "loc.place",
      { lon: p.lon.toFixed(5), lat: p.lat.toFixed(5),
      acc: Math.round(p.accuracy || 0), name: p.name || "" })
    : t("loc.none");
}

function locate() {
  if (!navigator.geolocation) { state.position = null; showPosition(); return; }
  $("#loc-status").textContent = t("loc.locating");
  const asked = Date.now();
  navigator.geolocation.getCurrentPosition((pos) => {
    const p = state.position;  // a map pick or a place chosen meanwhile stays
    if (p && p.source !== "gps" && p.at >= asked) { showPosition(); return; }
    state.position = { lon: pos.coords.longitude, lat: pos.coords.latitude,
      accuracy: pos.coords.accuracy, source: "gps" };
    showPosition();
  }, () => showPosition(),
  { enableHighAccuracy: true, timeout: 15000, maximumAge: 30000 });
}

async function searchPlaces() {
  const q = $("#address").value.trim();
  const list = $("#places");
  list.replaceChildren();
  if (!q) return;
  try {
    const { places } = await api(`/geocode?q=${encodeURIComponent(q)}&limit=5`);
    if (!places.length) list.append(el("li", { class: "muted" }, t("loc.no_places")));
    for (const p of places) {
      const b = el("button", { type: "button" }, [p.name, p.community_name || p.street_name || ""]
        .filter(Boolean).join(" · "));
      b.addEventListener("click", () => {
        state.position = { lon: p.lon, lat: p.lat, source: "place", name: p.name, at: Date.now() };
        list.replaceChildren();
        showPosition();
      });
      const li = el("li");
      li.append(b);
      list.append(li);
    }
  } catch (err) {
    list.append(el("li", { class: "muted" }, navigator.onLine ? problem(err) : t("loc.offline_address")));
  }
}

// ------------------------------------------------------------------ report: class picker

async function loadClasses() {
  try {
    state.classes = (await api("/classes")).classes;
    localStorage.setItem(CLASSES, JSON.stringify(state.classes));
  } catch (e) {
    state.classes = JSON.parse(localStorage.getItem(CLASSES) || "[]");
  }
  fillClasses();
}

function className(code) {
  const c = state.classes.find((x) => x.code === code);
  return c ? I18n.name(c.name) : code;
}

function fillClasses() {
  const q = $("#class-filter").value.trim().toLowerCase();
  const select = $("#class-select");
  const keep = select.value;
  select.replaceChildren();
  for (const c of state.classes) {
    const text = `${c.code} ${c.name.zh} ${c.name.en} ${c.major_name.zh} ${c.major_name.en}`.toLowerCase();
    if (q && !text.includes(q)) continue;
    const o = el("option", { value: c.code }, `${I18n.name(c.name)} · ${I18n.name(c.major_name)}`);
    if (c.code === keep) o.selected = true;
    select.append(o);
  }
  select.size = Math.max(2, Math.min(6, select.options.length));
  if (!select.value && select.options.length === 1) select.options[0].selected = true;
}

// ------------------------------------------------------------------ report: send (via the queue)

async function submitReport(ev) {
  ev.preventDefault();
  const classCode = $("#class-select").value;
  const description = $("#description").value.trim();
  const address = $("#address").value.trim();
  const p = state.position;
  if (!classCode) { toast(t("report.need_class"), "error"); return; }
  if (!description) { toast(t("report.need_description"), "error"); return; }
  if (!p && !address) { toast(t("report.need_place"), "error"); return; }
  const photos = Array.from($("#photos").files, (f) => ({ name: f.name, blob: f }));
  const report = { id: GridlineQueue.newId(), created: Date.now(), class_code: classCode,
    description, lon: p ? p.lon : null, lat: p ? p.lat : null, address: p ? "" : address, photos };
  await GridlineQueue.put(report);
  $("#report-form").reset();
  $("#photo-previews").replaceChildren();
  if (p && p.source === "map") { state.position = null; GridlinePick.clear(); showPosition(); }
  fillClasses();
  toast(t("report.queued"), "info");
  await showQueue();
  await flushQueue();
  if ("serviceWorker" in navigator && navigator.serviceWorker.ready) {
    try { (await navigator.serviceWorker.ready).sync?.register("gridline-reports"); } catch (e) { /* no Background Sync */ }
  }
}

let flushing = null;
function flushQueue() {
  if (!state.session) return Promise.resolve();
  if (!flushing) flushing = sendQueued().finally(() => { flushing = null; });
  return flushing;
}

async function sendQueued() {
  try {
    if (navigator.onLine === false) return;
    const out = await GridlineQueue.flush("", state.session.token);
    for (const { report, answer } of out.sent) rememberSent(report, answer);
    if (out.sent.length) toast(t("report.sent", { n: out.sent.length }), "ok");
    if (out.rejected.length) toast(t("report.rejected", { message: out.rejected[0].error.message }), "error");
    if (out.stopped === "login") endSession();
  } finally {
    await showQueue();
  }
}

function rememberSent(report, answer) {
  const sent = JSON.parse(localStorage.getItem(SENT) || "[]");
  sent.unshift({ incident_id: answer.incident_id, class_code: report.class_code,
    description: report.description, at: Date.now() / 1000, photos: (answer.media || []).length });
  localStorage.setItem(SENT, JSON.stringify(sent.slice(0, 10)));
}

async function showQueue() {
  const waiting = await GridlineQueue.all();
  const pending = waiting.filter((r) => !r.error).length;
  const badge = $("#queue-badge");
  badge.hidden = pending === 0;
  badge.textContent = t("queue.badge", { n: pending });
  $("#queue-card").hidden = waiting.length === 0;
  const list = $("#queue-list");
  list.replaceChildren();
  for (const r of waiting) {
    const li = el("li", { class: r.error ? "queued rejected" : "queued", "data-id": r.id });
    li.append(el("span", {}, `${className(r.class_code)} · ${r.description}`));
    li.append(el("span", { class: "muted" }, r.error
      ? t("queue.rejected", { message: r.error.message })
      : t("queue.waiting", { photos: r.photos.length, time: when(r.created / 1000) })));
    if (r.error) {
      const drop = el("button", { type: "button" }, t("queue.drop"));
      drop.addEventListener("click", async () => { await GridlineQueue.remove(r.id); showQueue(); });
      li.append(drop);
    }
    list.append(li);
  }
  const sent = JSON.parse(localStorage.getItem(SENT) || "[]");
  $("#sent-card").hidden = sent.length === 0;
  $("#sent-list").replaceChildren(...sent.map((s) => el("li", { class: "sent" },
    t("sent.row", { id: s.incident_id, cls: className(s.class_code), photos: s.photos }))));
}

// ------------------------------------------------------------------ work orders

async function loadOrders() {
  const status = $("#orders-status");
  status.textContent = t("orders.loading");
  try {
    const { orders } = await api("/orders");
    state.orders = orders;
    status.textContent = orders.length ? t("orders.count", { n: orders.length }) : t("orders.none");
    $("#orders-list").replaceChildren(...orders.map(orderCard));
  } catch (err) {
    status.textContent = problem(err);
  }
}

function orderCard(o) {
  const li = $("#order-template").content.firstElementChild.cloneNode(true);
  li.dataset.incidentId = o.incident_id;
  I18n.apply(li);
  $(".o-class", li).textContent = I18n.name(o.class_name);
  $(".o-status", li).textContent = t(`status.${o.status}`);
  $(".o-meta", li).textContent = t(o.kind === "verify" ? "orders.meta_verify" : "orders.meta",
    { id: o.incident_id, due: when(o.kind === "verify" ? o.verify_due : o.handle_due) });
  $(".o-desc", li).textContent = o.description;
  const before = o.media.filter((m) => m.kind === "before");
  const after = o.media.filter((m) => m.kind === "after");
  for (const m of o.media.filter((x) => x.kind === "report")) showPhoto($(".o-photos", li), m, t("photo.report"));
  if (before.length || after.length) {
    $(".o-pair", li).hidden = false;
    for (const m of before) showPhoto($(".o-before", li), m, t("photo.before"));
    for (const m of after) showPhoto($(".o-after", li), m, t("photo.after"));
  }
  for (const action of o.actions) {
    const b = el("button", { type: "button", "data-action": action }, t(`action.${action}`));
    b.addEventListener("click", () => act(li, o, action));
    $(".o-actions", li).append(b);
  }
  for (const side of ["before", "after"]) {
    const input = $(`.o-file-${side}`, li);
    input.addEventListener("change", () => previewFiles(input, $(`.o-prev-${side}`, li)));
  }
  $(".o-cancel", li).addEventListener("click", () => { $(".o-form", li).hidden = true; });
  return li;
}

async function act(li, o, action) {
  if (["acknowledge", "arrive", "handle"].includes(action)) {
    await step(li, o, action, { json: { idempotency_id: GridlineQueue.newId() } });
    return;
  }
  // respond, verify and return take a text (and respond/verify photos) first
  const form = $(".o-form", li);
  form.hidden = false;
  form.dataset.action = action;
  $(".o-text-caption", li).textContent = t(`form.${action}`);
  $(".o-verdict", li).hidden = action !== "verify";
  $(".o-files", li).hidden = action === "return";
  form.onsubmit = async (ev) => {
    ev.preventDefault();
    const text = $(".o-text", li).value.trim();
    if (action === "return") {
      await step(li, o, action, { json: { reason: text, idempotency_id: GridlineQueue.newId() } });
      return;
    }
    const f = new FormData();
    f.append("idempotency_id", GridlineQueue.newId());
    if (action === "respond") f.append("result", text);
    else {
      f.append("passed", $("input[name=passed]:checked", li).value);
      f.append("note", text);
    }
    for (const side of ["before", "after"]) {
      for (const file of $(`.o-file-${side}`, li).files) f.append(side, file, file.name);
    }
    await step(li, o, action, { form: f });
  };
}

async function step(li, o, action, body) {
  li.querySelectorAll("button").forEach((b) => { b.disabled = true; });
  try {
    const r = await api(`/incidents/${encodeURIComponent(o.incident_id)}/${action}`, { method: "POST", ...body });
    toast(t("orders.done", { action: t(`action.${action}`), status: t(`status.${r.status}`) }), "ok");
    await loadOrders();
  } catch (err) {
    toast(problem(err), "error");
    li.querySelectorAll("button").forEach((b) => { b.disabled = false; });
  }
}

// ------------------------------------------------------------------ patrol

function patrolStatus(key, params) { $("#patrol-status").textContent = t(key, params); }

function startPatrol() {
  if (!state.session.unit_id) { patrolStatus("patrol.need_unit"); return; }
  if (!navigator.geolocation) { patrolStatus("patrol.no_gps"); return; }
  const p = { points: [], sent: 0, watch: null, timer: null };
  state.patrol = p;
  p.watch = navigator.geolocation.watchPosition((pos) => {
    p.points.push({ lon: pos.coords.longitude, lat: pos.coords.latitude });
    state.position = { lon: pos.coords.longitude, lat: pos.coords.latitude,
      accuracy: pos.coords.accuracy, source: "gps" };
    if (p.sent === 0 || p.points.length >= 20) sendTrack();
  }, () => patrolStatus("patrol.no_gps"), { enableHighAccuracy: true, maximumAge: 5000 });
  p.timer = setInterval(sendTrack, 15000);
  $("#patrol-toggle").textContent = t("patrol.stop");
  patrolStatus("patrol.on", { n: 0 });
}

async function sendTrack() {
  const p = state.patrol;
  if (!p || !p.points.length || navigator.onLine === false) return;
  const points = p.points.splice(0, 100);
  try {
    const r = await api("/positions", { method: "POST", json: { points, idempotency_id: GridlineQueue.newId() } });
    p.sent += r.accepted;
    patrolStatus("patrol.on", { n: p.sent });
  } catch (err) {
    if (err instanceof ApiError && err.status !== 429 && err.status < 500) { patrolStatus("patrol.refused", { message: err.message }); return; }
    p.points.unshift(...points.slice(-50));  // keep the newest for the next try
  }
}

function stopPatrol() {
  const p = state.patrol;
  if (!p) return;
  navigator.geolocation.clearWatch(p.watch);
  clearInterval(p.timer);
  sendTrack();
  state.patrol = null;
  $("#patrol-toggle").textContent = t("patrol.start");
  patrolStatus("patrol.off");
}

// ------------------------------------------------------------------ start

function online() {
  $("#net").hidden = navigator.onLine !== false;
  if (navigator.onLine !== false) flushQueue();
}

async function start() {
  await I18n.load();
  $("#lang").addEventListener("click", async () => {
    await I18n.load(I18n.lang === "zh_CN" ? "en" : "zh_CN");
    fillClasses();
    showQueue();
    if (state.session) { showPosition(); if (!$("#tab-orders").hidden) loadOrders(); }
  });
  $("#login-form").addEventListener("submit", login);
  $("#logout").addEventListener("click", logout);
  document.querySelectorAll("[data-tab]").forEach((b) => b.addEventListener("click", () => showTab(b.dataset.tab)));
  $("#loc-retry").addEventListener("click", locate);
  $("#address-search").addEventListener("click", searchPlaces);
  $("#class-filter").addEventListener("input", fillClasses);
  $("#photos").addEventListener("change", () => previewFiles($("#photos"), $("#photo-previews")));
  $("#report-form").addEventListener("submit", submitReport);
  $("#queue-badge").addEventListener("click", () => showTab("report"));
  $("#queue-send").addEventListener("click", flushQueue);
  $("#orders-refresh").addEventListener("click", loadOrders);
  $("#patrol-toggle").addEventListener("click", () => (state.patrol ? stopPatrol() : startPatrol()));
  window.addEventListener("online", online);
  window.addEventListener("offline", online);
  setInterval(() => { if (state.session) flushQueue(); }, 10000);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("sw.js").catch(() => { /* the page works without it */ });
    navigator.serviceWorker.addEventListener("message", (ev) => { if (ev.data?.type === "flush") flushQueue(); });
  }
  const kept = JSON.parse(localStorage.getItem(SESSION) || "null");
  if (kept) startSession(kept); else $("#login-view").hidden = false;
  online();
  await showQueue();
  document.body.dataset.ready = "1";
}

start();
