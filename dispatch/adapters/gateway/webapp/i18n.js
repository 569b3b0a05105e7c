// The page's message catalogue: i18n/<lang>.json, zh_CN by default, English on request
// (?lang=en, or the header's button; the choice is kept). No UI text lives in the scripts.
"use strict";
const I18n = (() => {
  const LANGS = ["zh_CN", "en"];
  const KEY = "gridline.lang";
  let lang = "zh_CN";
  let messages = {};

  function chosen() {
    const asked = new URLSearchParams(location.search).get("lang");
    if (LANGS.includes(asked)) return asked;
    const kept = localStorage.getItem(KEY);
    return LANGS.includes(kept) ? kept : "zh_CN";
  }

  async function load(want) {
    const next = LANGS.includes(want) ? want : chosen();
    const r = await fetch(`i18n/${next}.json`);
    if (!r.ok) throw new Error(`catalogue ${next}: ${r.status}`);
    messages = await r.json();
    lang = next;
    localStorage.setItem(KEY, lang);
    document.documentElement.lang = lang === "zh_CN" ? "zh-CN" : "en";
    document.title = t("app.title");
    apply(document);
  }

  function t(key, params) {
    let s = Object.prototype.hasOwnProperty.call(messages, key) ? messages[key] : key;
    for (const [k, v] of Object.entries(params || {})) s = s.split(`{${k}}`).join(String(v));
    return s;
  }

  function apply(root) {
    root.querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = t(el.dataset.i18n); });
    root.querySelectorAll("[data-i18n-placeholder]").forEach((el) => {
      el.placeholder = t(el.dataset.i18nPlaceholder);
    });
  }

  // A catalogue name ({"zh", "en"}) in the page's language.
  function name(pair) {
    if (!pair) return "";
    return (lang === "zh_CN" ? pair.zh : pair.en) || pair.zh || pair.en || "";
  }

  return { load, t, apply, name, get lang() { return lang; }, LANGS };
})();
