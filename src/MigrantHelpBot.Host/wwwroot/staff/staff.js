// The staff console: a thin client of the staff API. Sign-in gives a bearer token kept for this tab
// only (sessionStorage). Updates come by polling, so nothing needs reloading. Everything a worker or
// staff member wrote is shown with textContent — never as HTML.
(() => {
  "use strict";
  const $ = id => document.getElementById(id);
  const store = window.sessionStorage;
  const statusJa = { new: "未割り当て", offered: "受付待ち", transferred: "引き継ぎ受付待ち", accepted: "担当中", resolved: "解決済み", closed_by_worker: "相談者が終了" };
  const languageJa = { vi: "ベトナム語", tl: "タガログ語", km: "クメール語", my: "ビルマ語", en: "英語", ja: "日本語" };
  const categoryJa = {
    unpaid_wages: "賃金未払い", excessive_hours: "長時間労働", pregnancy: "妊娠", violence_harassment: "暴力・ハラスメント",
    documents_withheld: "旅券・在留カードの取り上げ", forced_return: "強制帰国", runaway_risk: "職場を離れる・離れた", injury_illness: "けが・病気",
    recruitment_debt: "借金・仲介手数料", dismissal_contract: "解雇・契約", other: "その他",
  };
  const kindJa = {
    opened: "相談が作成されました", updated: "相談が更新されました", offered: "団体に提示", offer_expired: "受付期限切れ", unplaced: "受け入れ先が見つかりません",
    accepted: "受け付けました", transferred: "引き継ぎ", resolved: "解決済み", closed_by_worker: "相談者が終了しました", hub_status: "外部ハブの状態", notice: "相談者への通知",
  };
  const attachmentJa = { image: "画像", video: "動画", audio: "音声", file: "ファイル", sticker: "スタンプ", location: "位置情報" };
  // Why a case left the organisation (GET /api/notices): the case is no longer in its queue, so it is said here.
  const noticeJa = {
    "case.withdrawn/offer_expired": "は受付期限までに受け付けられなかったため、次の団体に回されました。",
    "case.withdrawn/transferred": "は他の団体に引き継がれました。",
    "case.withdrawn/hub_failed": "は外部の対応窓口で受けられなかったため、次の団体に回されました。",
    "case.closed/closed_by_worker": "は相談者が担当者との会話を終えました。",
    "case.closed/worker_deleted_data": "は相談者が自分のデータを削除しました。内容はもう残っていません。",
  };
  let token = store.getItem("mhb.staff.token");
  let me = null;
  let current = null;       // the open case's detail
  let lastEntry = 0;
  let timer = null;

  async function api(method, path, body) {
    const response = await fetch(path, {
      method,
      headers: Object.assign({ "Accept": "application/json" }, token ? { "Authorization": "Bearer " + token } : {}, body ? { "Content-Type": "application/json" } : {}),
      body: body ? JSON.stringify(body) : undefined,
    });
    if (response.status === 401 && path !== "/api/staff/token") { signOut(); throw new Error("サインインしてください。"); }
    const text = await response.text();
    const data = text ? JSON.parse(text) : null;
    if (!response.ok) throw new Error((data && (data.detail || data.title)) || ("HTTP " + response.status));
    return data;
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  const when = iso => new Date(iso).toLocaleString("ja-JP", { month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit" });
  function waited(seconds) {
    if (seconds < 3600) return Math.max(1, Math.round(seconds / 60)) + "分待ち";
    if (seconds < 86400) return Math.round(seconds / 3600) + "時間待ち";
    return Math.round(seconds / 86400) + "日待ち";
  }

  function showSignIn() { $("console").hidden = true; $("signin").hidden = false; }

  async function start() {
    try {
      me = await api("GET", "/api/staff/me");
    } catch { showSignIn(); return; }
    $("signin").hidden = true; $("console").hidden = false;
    $("me").textContent = me.name + (me.organizationName ? "（" + me.organizationName + "）" : me.role === "admin" ? "（コーディネーター）" : "");
    const categories = $("f-category");
    if (categories.options.length === 1) for (const [id, name] of Object.entries(categoryJa)) categories.append(new Option(name, id));
    await refresh();
    clearInterval(timer);
    timer = setInterval(() => { if (!document.hidden) refresh().catch(() => {}); }, 2000);
  }

  function signOut() {
    if (token) fetch("/api/staff/signout", { method: "POST", headers: { "Authorization": "Bearer " + token } }).catch(() => {});
    token = null; store.removeItem("mhb.staff.token"); clearInterval(timer); current = null; showSignIn();
  }

  async function refresh() {
    await loadQueue();
    await loadNotices();
    if (current) await loadTimeline();
    $("live").textContent = "更新 " + new Date().toLocaleTimeString("ja-JP");
  }

  async function loadQueue() {
    const params = new URLSearchParams();
    for (const [id, name] of [["f-status", "status"], ["f-urgency", "urgency"], ["f-language", "language"], ["f-category", "category"]]) {
      if ($(id).value) params.set(name, $(id).value);
    }
    const cases = await api("GET", "/api/cases?" + params);
    const list = $("cases");
    list.replaceChildren(...cases.map(c => {
      const li = el("li", c.urgency.toLowerCase());
      li.dataset.id = c.id;
      li.setAttribute("aria-current", current && current.case.id === c.id ? "true" : "false");
      li.append(el("span", "badge " + c.urgency, c.urgency), el("strong", null, c.id), el("span", "badge", statusJa[c.status] || c.status));
      const line = [c.categoryJa || categoryJa[c.category] || "分類なし", languageJa[c.language] || c.language, c.prefectureJa || "都道府県不明"].join("・");
      li.append(el("div", null, line));
      const wait = c.waitingSeconds > 0 ? waited(c.waitingSeconds) : (c.assigneeName ? "担当: " + c.assigneeName : "");
      li.append(el("div", "muted", [wait, me.role === "admin" && c.organizationName ? c.organizationName : ""].filter(Boolean).join("　")));
      li.addEventListener("click", () => openCase(c.id));
      return li;
    }));
    $("empty").hidden = cases.length > 0;
  }

  let newestNotice = 0;
  async function loadNotices() {
    if (!me.organizationId) return; // the coalition sees every case in its queue; notices are for organisations
    const notices = await api("GET", "/api/notices?unread=true&limit=50");
    newestNotice = notices.length ? Math.max(...notices.map(n => n.id)) : 0;
    const shown = notices.filter(n => noticeJa[n.type + "/" + n.reason]);
    $("notice-list").replaceChildren(...shown.map(n => {
      const what = [n.categoryJa || categoryJa[n.category] || "分類なし", n.urgency, languageJa[n.language] || n.language].join("・");
      return el("li", null, when(n.at) + "　" + n.caseId + "（" + what + "）" + noticeJa[n.type + "/" + n.reason]);
    }));
    $("notices").hidden = shown.length === 0;
  }

  async function openCase(id) {
    $("case-error").textContent = "";
    current = await api("GET", "/api/cases/" + encodeURIComponent(id));
    lastEntry = 0;
    $("case").hidden = false;
    renderCase();
    $("timeline").replaceChildren();
    addEntries(current.timeline);
    document.querySelectorAll("#cases li").forEach(li => li.setAttribute("aria-current", li.dataset.id === id ? "true" : "false"));
  }

  function renderCase() {
    const c = current.case;
    $("case-title").textContent = c.id + "　" + (statusJa[c.status] || c.status);
    $("case-meta").textContent = [c.urgency, c.categoryJa || "分類なし", languageJa[c.language] || c.language, c.prefectureJa || "都道府県不明",
      c.organizationName ? "団体: " + c.organizationName : "", c.assigneeName ? "担当: " + c.assigneeName : "",
      c.offerExpiresAt ? "受付期限: " + when(c.offerExpiresAt) : ""].filter(Boolean).join("　");
    $("consent").textContent = current.consent.shared
      ? "相談者は " + when(current.consent.at) + " に、この内容とチャットを支援団体と共有することに同意しました。"
      : "相談者は担当者を求めましたが、回答内容の共有には同意していません。言語と緊急度のみです。";
    const summary = $("summary");
    summary.replaceChildren();
    for (const line of current.summary) {
      let value;
      if (line.workerText) {
        value = el("dd", "worker-text");
        translated(value, line.value, line.translation, "相談者の言葉");
      } else {
        value = el("dd", null, line.value);
      }
      summary.append(el("dt", null, line.label), value);
    }
    const canned = $("canned");
    canned.replaceChildren(new Option("定型文を選ぶ…", ""), ...current.canned.map(r => new Option(r.ja, r.id)));
    const open = ["new", "offered", "transferred", "accepted"].includes(c.status);
    const mine = me.organizationId && me.organizationId === c.organizationId;
    $("accept").hidden = !(mine && (c.status === "offered" || c.status === "transferred"));
    $("resolve").hidden = !(open && (c.status === "accepted" || me.role === "admin"));
    $("transfer-box").hidden = !open;
    $("reply-form").hidden = c.status !== "accepted";
    if (!$("transfer-org").options.length) {
      api("GET", "/api/staff/organizations").then(orgs => {
        $("transfer-org").replaceChildren(...orgs.map(o => new Option(o.nameJa, o.id)));
      }).catch(() => {});
    }
  }

  // A text and its machine translation: the translation is shown, marked as such, with the original on demand.
  const translationState = { pending: "未翻訳（翻訳待ち）", failed: "未翻訳（翻訳できませんでした）", none: "未翻訳（翻訳サービス未設定）" };
  function translated(node, original, t, lead) {
    if (!t || t.status === "same" || !["done", "pending", "failed", "none"].includes(t.status)) {
      node.append(el("span", "who", lead + (t && t.status === "same" ? "（日本語で書かれています）" : "（原文）")), document.createTextNode(original || ""));
      return;
    }
    if (t.status !== "done") {
      node.append(el("span", "who", lead + "・" + translationState[t.status]), el("span", "untranslated", original || ""));
      return;
    }
    const from = t.from ? (languageJa[t.from] || t.from) + "から" : "";
    node.append(el("span", "who", lead + "・機械翻訳" + (from ? "（" + from + "）" : "")), el("span", "mt", t.texts.ja || t.texts.en || ""));
    const toggle = el("button", "show-original", "原文を表示");
    toggle.type = "button";
    const box = el("span", "original");
    box.hidden = true;
    box.append(el("span", "who", "原文"), document.createTextNode(original || ""));
    if (t.texts.en) box.append(el("span", "who", "英語訳（機械翻訳）"), document.createTextNode(t.texts.en));
    toggle.addEventListener("click", () => { box.hidden = !box.hidden; toggle.textContent = box.hidden ? "原文を表示" : "原文を隠す"; });
    node.append(toggle, box);
  }

  // A staff reply: the staff member's own words, and what the worker read on demand.
  function sentAs(node, t) {
    if (!t || t.status === "same") return;
    if (t.status === "done") {
      const toggle = el("button", "show-original", "相談者が読んだ訳文を表示");
      toggle.type = "button";
      const box = el("span", "original");
      box.hidden = true;
      const worker = Object.values(t.texts)[0] || "";
      box.append(el("span", "who", "相談者の言語への機械翻訳" + (t.sentUntranslated ? "（原文のまま送った後、訳文を送りました）" : "")), document.createTextNode(worker));
      toggle.addEventListener("click", () => { box.hidden = !box.hidden; });
      node.append(toggle, box);
    } else if (t.status === "pending") {
      node.append(el("span", "translation-note", t.sentUntranslated ? "翻訳できなかったため原文のまま送りました。訳文はできしだい送ります。" : "翻訳中…"));
    } else if (t.status === "failed") {
      node.append(el("span", "translation-note", "翻訳できなかったため原文のまま送りました。"));
    } else if (t.status === "none") {
      node.append(el("span", "translation-note", "翻訳サービスが未設定のため、原文のまま送ります。"));
    }
  }

  function addEntries(entries) {
    const list = $("timeline");
    for (const e of entries) {
      if (e.id <= lastEntry) continue;
      lastEntry = e.id;
      let li;
      if (e.kind === "worker_message" && e.data && e.data.attachment) {
        li = el("li", "worker_message");
        li.append(el("span", "who", "相談者・" + when(e.at)),
          document.createTextNode("（" + (attachmentJa[e.data.attachment] || "ファイル") + "が送られました。ボットは文字しか扱えないため、内容は届いていません。相談者には文字で書くようお願いしました。）"));
      } else if (e.kind === "worker_message") {
        li = el("li", "worker_message");
        translated(li, e.text, e.translation, "相談者・" + when(e.at));
      } else if (e.kind === "staff_message") {
        li = el("li", "staff_message");
        const state = e.delivery === "sent" ? "送信しました" : e.delivery === "failed" ? "送れませんでした" + (e.deliveryError ? "（" + e.deliveryError + "）" : "") : "送信中";
        li.append(el("span", "who", e.actor + "・" + when(e.at) + "・" + state), document.createTextNode(e.text || ""));
        sentAs(li, e.translation);
      } else if (e.kind === "staff_message_translation") {
        li = el("li", "status", when(e.at) + "　前のメッセージの訳文（機械翻訳）を相談者に送りました");
      } else if (e.kind === "bot_message") {
        li = el("li", "bot_message");
        li.append(el("span", "who", "ボット・" + when(e.at)), document.createTextNode(e.text || ""));
      } else if (e.kind === "note") {
        li = el("li", "note");
        li.append(el("span", "who", "内部メモ・" + e.actor + "・" + when(e.at)), document.createTextNode(e.text || ""));
      } else {
        const detail = e.kind === "transferred" ? "（理由: " + (e.text || "") + "）" : "";
        li = el("li", "status", when(e.at) + "　" + (kindJa[e.kind] || e.kind) + detail);
      }
      list.append(li);
    }
  }

  async function loadTimeline() {
    const before = current.case.status;
    const entries = await api("GET", "/api/cases/" + encodeURIComponent(current.case.id) + "/timeline?after=" + lastEntry);
    addEntries(entries);
    const changed = entries.some(e => !["worker_message", "staff_message", "bot_message", "note"].includes(e.kind));
    // Delivery states and translations fill in without new entries.
    const pending = current.timeline.concat(entries).some(e => (e.kind === "staff_message" && e.delivery === "pending") || (e.translation && e.translation.status === "pending"))
      || current.summary.some(l => l.translation && l.translation.status === "pending");
    if (changed || pending) {
      const id = current.case.id;
      current = await api("GET", "/api/cases/" + encodeURIComponent(id));
      if (before !== current.case.status) renderCase();
      // delivery states change without new entries: redraw the whole timeline
      lastEntry = 0; $("timeline").replaceChildren(); addEntries(current.timeline);
    }
  }

  async function act(method, path, body) {
    $("case-error").textContent = "";
    try {
      await api(method, path, body);
      await openCase(current.case.id);
      await loadQueue();
    } catch (error) {
      $("case-error").textContent = /write again|write first/.test(error.message)
        ? "相談者が最後に Messenger で書いてから7日を過ぎたため、相談者がもう一度書くまで返信を送れません。（" + error.message + "）"
        : error.message;
    }
  }

  $("signin-form").addEventListener("submit", async event => {
    event.preventDefault();
    $("signin-error").textContent = "";
    try {
      const answer = await api("POST", "/api/staff/token", { email: $("email").value, password: $("password").value });
      token = answer.access_token;
      store.setItem("mhb.staff.token", token);
      $("password").value = "";
      await start();
    } catch (error) {
      $("signin-error").textContent = error.message;
    }
  });
  $("signout").addEventListener("click", signOut);
  $("notices-read").addEventListener("click", async () => {
    if (!newestNotice) return;
    try { await api("POST", "/api/notices/read", { upTo: newestNotice }); await loadNotices(); } catch { /* shown again on the next poll */ }
  });
  $("filters").addEventListener("change", () => loadQueue().catch(() => {}));
  $("accept").addEventListener("click", () => act("POST", "/api/cases/" + encodeURIComponent(current.case.id) + "/accept"));
  $("resolve").addEventListener("click", () => { if (confirm("この相談を解決済みにしますか。相談者に通知されます。")) act("POST", "/api/cases/" + encodeURIComponent(current.case.id) + "/resolve"); });
  $("transfer-form").addEventListener("submit", event => {
    event.preventDefault();
    act("POST", "/api/cases/" + encodeURIComponent(current.case.id) + "/transfer", { organizationId: $("transfer-org").value, reason: $("transfer-reason").value });
  });
  $("canned").addEventListener("change", () => {
    const reply = current && current.canned.find(r => r.id === $("canned").value);
    $("reply").value = reply ? reply.worker : "";
    $("reply").dataset.canned = reply ? reply.id : "";
    $("reply").title = reply ? reply.ja : "";
  });
  $("reply").addEventListener("input", () => { $("reply").dataset.canned = ""; $("canned").value = ""; });
  $("reply-form").addEventListener("submit", async event => {
    event.preventDefault();
    const canned = $("reply").dataset.canned;
    const text = $("reply").value.trim();
    if (!canned && !text) return;
    await act("POST", "/api/cases/" + encodeURIComponent(current.case.id) + "/messages", canned ? { canned } : { text });
    if (!$("case-error").textContent) { $("reply").value = ""; $("reply").dataset.canned = ""; $("canned").value = ""; }
  });
  $("note-form").addEventListener("submit", async event => {
    event.preventDefault();
    const text = $("note").value.trim();
    if (!text) return;
    await act("POST", "/api/cases/" + encodeURIComponent(current.case.id) + "/notes", { text });
    if (!$("case-error").textContent) $("note").value = "";
  });

  start();
})();
