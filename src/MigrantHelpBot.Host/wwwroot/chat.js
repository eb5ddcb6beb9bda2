// The worker-side chat page: a small Direct Line 3.0 client (polling), written for cheap phones.
// Every message is rendered as text, never as HTML. Interface text comes from locales/ via /api/webchat/strings.
(() => {
  "use strict";
  const api = "/v3/directline";
  const store = window.sessionStorage;
  const transcript = document.getElementById("transcript");
  const suggestions = document.getElementById("suggestions");
  const form = document.getElementById("composer");
  const input = document.getElementById("message");
  const status = document.getElementById("status");
  let session = null;          // { conversationId, token, expiresAt, watermark }
  let strings = null;          // { fallback, languages: { code: { key: text } } }
  let language = null;
  let pollTimer = null;
  let fastPolls = 0;
  const seen = new Set();

  const save = () => store.setItem("mhb.session", JSON.stringify(session));

  function pickLanguage(locale) {
    if (!strings || !locale) return;
    let code = locale.toLowerCase().split(/[-_]/)[0];
    if (code === "fil") code = "tl";
    if (strings.languages[code]) language = code;
    applyStrings();
  }

  function applyStrings() {
    if (!strings) return;
    const texts = strings.languages[language] || strings.languages[strings.fallback];
    document.documentElement.lang = language || strings.fallback;
    document.querySelectorAll("[data-text]").forEach(el => { el.textContent = texts[el.dataset.text]; });
    input.placeholder = texts.placeholder;
    input.setAttribute("aria-label", texts.placeholder);
  }

  function say(key) {
    const texts = strings && (strings.languages[language] || strings.languages[strings.fallback]);
    status.textContent = key && texts ? texts[key] : "";
  }

  async function call(method, path, body) {
    const response = await fetch(api + path, {
      method,
      headers: { "Authorization": "Bearer " + session.token, ...(body ? { "Content-Type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!response.ok) { const error = new Error("HTTP " + response.status); error.status = response.status; throw error; }
    return response.status === 204 ? null : response.json();
  }

  async function start() {
    strings = await (await fetch("/api/webchat/strings")).json();
    pickLanguage(navigator.language);
    say("connecting");
    const saved = JSON.parse(store.getItem("mhb.session") || "null");
    if (saved && saved.expiresAt > Date.now() + 60000) {
      session = saved;
      session.watermark = "";
    } else {
      const issued = await (await fetch("/api/webchat/token", { method: "POST" })).json();
      session = { conversationId: issued.conversationId, token: issued.token, expiresAt: Date.now() + issued.expires_in * 1000, watermark: "" };
      save();
      await call("POST", "/conversations", { locale: navigator.language });
    }
    say("");
    setInterval(refresh, 15 * 60 * 1000);
    poll();
  }

  async function refresh() {
    try {
      const renewed = await call("POST", "/tokens/refresh");
      session.token = renewed.token;
      session.expiresAt = Date.now() + renewed.expires_in * 1000;
      save();
    } catch { /* the next poll reports the problem */ }
  }

  async function poll() {
    clearTimeout(pollTimer);
    try {
      const page = await call("GET", `/conversations/${encodeURIComponent(session.conversationId)}/activities?watermark=${encodeURIComponent(session.watermark)}`);
      page.activities.forEach(render);
      if (page.watermark) session.watermark = page.watermark;
      say("");
      if (page.activities.length === 100) fastPolls = Math.max(fastPolls, 1);
    } catch (error) {
      say("offline");
      if (error.status === 403 || error.status === 404) {
        // The conversation is gone or the token expired: start a fresh one.
        store.removeItem("mhb.session");
        seen.clear();
        transcript.replaceChildren();
        start().catch(() => say("offline"));
        return;
      }
    }
    const delay = fastPolls > 0 ? 300 : 1500;
    fastPolls = Math.max(0, fastPolls - 1);
    pollTimer = setTimeout(poll, delay);
  }

  function render(activity) {
    if (activity.type !== "message" || seen.has(activity.id)) return;
    seen.add(activity.id);
    const fromBot = activity.from && activity.from.role === "bot";
    const clientId = activity.channelData && activity.channelData.clientActivityID;
    const pending = clientId && document.querySelector(`[data-client-id="${CSS.escape(clientId)}"]`);
    if (pending) { pending.classList.remove("pending"); pending.removeAttribute("data-client-id"); return; }
    const item = document.createElement("li");
    item.className = "message " + (fromBot ? "bot" : "user");
    if (activity.locale) item.lang = activity.locale;
    item.textContent = activity.text || "";
    transcript.appendChild(item);
    transcript.scrollTop = transcript.scrollHeight;
    if (fromBot) {
      if (activity.locale) pickLanguage(activity.locale);
      showSuggestions(activity.suggestedActions && activity.suggestedActions.actions);
    }
  }

  function showSuggestions(actions) {
    suggestions.replaceChildren();
    (actions || []).forEach(action => {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = action.title || String(action.value);
      button.addEventListener("click", () => send(typeof action.value === "string" ? action.value : action.title));
      suggestions.appendChild(button);
    });
  }

  async function send(text) {
    text = text.trim();
    if (!text || !session) return;
    const clientId = "c" + Date.now().toString(36) + Math.random().toString(36).slice(2, 8);
    const item = document.createElement("li");
    item.className = "message user pending";
    item.dataset.clientId = clientId;
    item.textContent = text;
    transcript.appendChild(item);
    transcript.scrollTop = transcript.scrollHeight;
    suggestions.replaceChildren();
    try {
      await call("POST", `/conversations/${encodeURIComponent(session.conversationId)}/activities`,
        { type: "message", text, locale: language || navigator.language, from: { id: "user" }, channelData: { clientActivityID: clientId } });
      fastPolls = 5;
      poll();
    } catch {
      // Not sent: give the text back so nothing the worker wrote is lost.
      say("offline");
      item.remove();
      if (!input.value) input.value = text;
    }
  }

  form.addEventListener("submit", event => { event.preventDefault(); const text = input.value; input.value = ""; send(text); });
  input.addEventListener("keydown", event => {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
  });
  start().catch(() => say("offline"));
})();
