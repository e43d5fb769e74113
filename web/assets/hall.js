// Shared by the hall's screens: language (Chinese by default, ?lang=en or the switch), the API with its one
// error shape, device tokens (?token= once, then kept), and live events with reconnect.
"use strict";
const Hall = (() => {
  const params = new URLSearchParams(location.search);
  if (params.get("lang")) localStorage.setItem("hall.lang", params.get("lang"));
  if (params.get("token")) localStorage.setItem("hall.token", params.get("token"));
  let lang = localStorage.getItem("hall.lang") || "zh";
  const token = () => localStorage.getItem("hall.token");

  const words = {
    zh: {}, en: {},
  };
  function define(table) {
    for (const [key, [zh, en]] of Object.entries(table)) { words.zh[key] = zh; words.en[key] = en; }
  }
  define({
    hall: ["政务服务大厅", "Government service hall"], switch: ["English", "中文"],
    error: ["出错了", "Something went wrong"], offline: ["连接中断，正在重连…", "Connection lost, reconnecting…"],
    signin: ["登录", "Sign in"], signout: ["退出", "Sign out"], name: ["用户名", "User name"], password: ["密码", "Password"],
    window: ["窗口", "Window"], waiting: ["等候", "Waiting"], people: ["人", "people"], minutes: ["分钟", "min"],
    department: ["部门", "Department"], ticket: ["号码", "Ticket"], status: ["状态", "Status"], clerk: ["工作人员", "Clerk"],
    none: ["无", "none"], case: ["办件", "Case"], deadline: ["承诺期限", "Committed deadline"], level: ["预警", "Warning"],
    green: ["正常", "on track"], yellow: ["黄牌预警", "yellow"], red: ["红牌超期", "red, overdue"],
    called: ["已呼叫", "called"], started: ["办理中", "being served"], finished: ["已办结", "finished"],
    no_show: ["过号", "no-show"], closed: ["关闭", "closed"], signed_in: ["已签到", "signed in"], open: ["办理中", "open"], paused: ["暂停", "paused"],
    forbidden: ["您的角色无权查看此页面", "Your role may not see this page"],
  });
  const t = (key) => (words[lang] && words[lang][key]) || words.zh[key] || key;

  function applyTexts(root = document) {
    root.querySelectorAll("[data-t]").forEach((el) => { el.textContent = t(el.dataset.t); });
    root.querySelectorAll("[data-ph]").forEach((el) => { el.placeholder = t(el.dataset.ph); });
    document.documentElement.lang = lang === "en" ? "en" : "zh-CN";
  }
  function switchLanguage() {
    lang = lang === "en" ? "zh" : "en";
    localStorage.setItem("hall.lang", lang);
    applyTexts();
    document.dispatchEvent(new CustomEvent("hall:lang"));
  }

  class APIError extends Error {
    constructor(status, body) {
      super((body && body.error && body.error.message) || `HTTP ${status}`);
      this.status = status; this.field = body && body.error && body.error.field;
    }
  }
  async function api(method, path, body, extraHeaders = {}) {
    const headers = { ...extraHeaders };
    if (token()) headers.Authorization = "Bearer " + token();
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const r = await fetch(path, { method, headers, credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body) });
    if (r.status === 204) return null;
    const text = await r.text();
    const data = text ? JSON.parse(text) : null;
    if (!r.ok) throw new APIError(r.status, data);
    return data;
  }

  // Live events: EventSource reconnects by itself and sends Last-Event-ID, so the server replays what was
  // missed; a `snapshot` event (missed too much, or the server restarted) makes the page re-read its state.
  function live(handlers, onState) {
    const url = "/api/events" + (token() ? "?token=" + encodeURIComponent(token()) : "");
    const es = new EventSource(url);
    es.onopen = () => onState && onState(true);
    es.onerror = () => onState && onState(false);
    for (const [name, fn] of Object.entries(handlers)) {
      es.addEventListener(name, (e) => fn(e.data ? JSON.parse(e.data) : {}, e));
    }
    return es;
  }

  function clock(minutes) {
    if (minutes === null || minutes === undefined) return "";
    const m = Math.floor(minutes);
    return String(Math.floor(m / 60)).padStart(2, "0") + ":" + String(m % 60).padStart(2, "0");
  }
  function el(tag, attrs = {}, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === "class") e.className = v; else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else if (k === "dataset") Object.assign(e.dataset, v); else e.setAttribute(k, v);
    }
    for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return e;
  }
  return { t, define, applyTexts, switchLanguage, api, live, clock, el, get lang() { return lang; }, token };
})();
document.addEventListener("DOMContentLoaded", () => {
  Hall.applyTexts();
  document.querySelectorAll("button.lang").forEach((b) => b.addEventListener("click", Hall.switchLanguage));
});
