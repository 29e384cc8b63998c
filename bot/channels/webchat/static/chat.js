// The web chat client: no build step, no framework. Talks to POST /chat/api/send.
"use strict";
(function () {
  const strings = JSON.parse(document.getElementById("strings").textContent);
  const t = (s) => strings[s] || s;
  const log = document.getElementById("log");
  const form = document.getElementById("composer");
  const input = document.getElementById("input");
  const sendButton = document.getElementById("send");
  document.getElementById("title").textContent = t("Học vụ số");
  input.placeholder = t("Type your answer…");
  sendButton.textContent = t("Send");
  document.getElementById("source").textContent = t("Source code");

  let busy = false;
  let pending = null; // a message that failed to send, kept so nothing is lost
  // The first bubble of the newest answer. An answer often brings two things at once (the
  // "✅ why" and the next question): the view shows it from its top, so the first is read first.
  let anchor = null;
  // Focusing the text box pops the keyboard up on a phone, hiding half the answer: only after
  // the learner typed (they are typing anyway), or on a desktop with a mouse.
  let typedLast = false;
  const desktop = window.matchMedia("(min-width: 768px) and (pointer: fine)");
  // An invite link (`/?start=<payload>`) is passed on as Telegram passes its deep links.
  const invite = new URLSearchParams(window.location.search).get("start");
  const startCommand = invite ? "/start " + invite : "/start";
  // Inside another site's page (/chat/embed): the server then sends a cookie that may cross
  // sites (docs/embed.md).
  const headers = { "Content-Type": "application/json" };
  if (document.body.classList.contains("embed")) headers["X-Hocvuso-Embed"] = "1";

  function scrollDown() { log.scrollTop = log.scrollHeight; }

  function showAnchor() {
    if (!anchor || !anchor.isConnected) { scrollDown(); return; }
    // The previous bubble ends just above the view: the row gap between bubbles.
    const gap = parseFloat(getComputedStyle(log).rowGap) || 0;
    log.scrollTop = anchor.offsetTop - gap;
  }

  function bubble(text, who, image, links, alt) {
    const div = document.createElement("div");
    div.className = "msg " + who;
    if (image) {
      const img = document.createElement("img");
      // A drawing says what it shows (for screen readers, and while it loads); others are
      // decoration beside the text.
      img.src = image; img.alt = alt || "";
      // A picture changes the height once loaded: keep the newest answer's start in view.
      img.addEventListener("load", showAnchor);
      if (links && links.length) {
        // A document (a certificate): tapping the picture opens it full size.
        const full = document.createElement("a");
        full.href = image; full.target = "_blank"; full.rel = "noopener";
        full.appendChild(img);
        div.appendChild(full);
      } else {
        div.appendChild(img);
      }
    }
    div.appendChild(document.createTextNode(text));
    // Files to open or download (a certificate's PDF, its verification page).
    (links || []).forEach((link) => {
      const a = document.createElement("a");
      a.className = "file";
      a.href = link.url;
      a.target = "_blank";
      a.rel = "noopener";
      a.textContent = link.label;
      div.appendChild(a);
    });
    log.appendChild(div);
    // The learner's own bubble starts a new exchange; the typing dots follow the view, unless
    // it is held at messages shown on opening.
    if (who === "me") anchor = null;
    if (who !== "bot" && !anchor) scrollDown();
    return div;
  }

  function showReply(reply) {
    bubble(reply.text, "bot", reply.image, reply.links, reply.alt);
    showChoices(reply.choices);
  }

  // Bot bubbles arriving together: the view starts at the first of them.
  function showReplies(replies) {
    if (!replies.length) return;
    const before = log.lastElementChild;
    replies.forEach(showReply);
    anchor = before ? before.nextElementSibling : log.firstElementChild;
    showAnchor();
  }

  // A tapped button shows as the learner's own bubble, like typed text.
  function tapped(label, body) {
    if (busy) return;
    typedLast = false;
    disableOldChoices();
    bubble(label, "me");
    send(body);
  }

  function disableOldChoices() {
    log.querySelectorAll(".choices button").forEach((b) => { b.disabled = true; });
  }

  function showChoices(choices) {
    if (!choices || !choices.length) return;
    const box = document.createElement("div");
    box.className = "choices";
    choices.forEach((choice, i) => {
      const b = document.createElement("button");
      b.type = "button";
      b.dataset.choice = choice.id;
      b.textContent = (i + 1) + ". " + choice.label;
      b.addEventListener("click", () => tapped(choice.label, { choice: choice.id }));
      box.appendChild(b);
    });
    log.appendChild(box);
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return String(Date.now()) + Math.random().toString(16).slice(2);
  }

  // `keepView`: leave the view where it is (at messages shown just before, on opening).
  async function send(body, keepView) {
    busy = true;
    // A resent message keeps its id, so the server answers it once even if it got there.
    const message = body.id ? body : Object.assign({ id: newId() }, body);
    const typing = bubble("…", "typing");
    try {
      const response = await fetch("/chat/api/send", {
        method: "POST",
        headers: headers,
        credentials: "same-origin",
        body: JSON.stringify(message),
      });
      const data = await response.json();
      typing.remove();
      pending = null;
      disableOldChoices();
      if (keepView) (data.replies || []).forEach(showReply);
      else showReplies(data.replies || []);
    } catch (err) {
      typing.remove();
      pending = message;
      showReplies([{ text: t("The connection was lost. Your answer is kept: tap Send to try again.") }]);
    } finally {
      busy = false;
      if (typedLast || desktop.matches) input.focus();
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (busy) return;
    if (pending && !input.value.trim()) {
      const again = pending;
      pending = null;
      typedLast = true;
      anchor = null;
      send(again);
      return;
    }
    const text = input.value;
    if (!text.trim()) return;
    input.value = "";
    typedLast = true;
    bubble(text, "me");
    send({ text: text });
  });

  async function start() {
    let returning = false;
    let queued = [];
    try {
      const r = await fetch("/chat/api/session", { credentials: "same-origin" });
      const session = await r.json();
      returning = session.returning;
      // What the bot sent while the page was closed (announcements, reminders), shown once
      // and first: the view starts there.
      queued = session.messages || [];
      showReplies(queued);
    } catch (err) { /* offline: show the first screen */ }
    if (returning) {
      send({ text: startCommand }, queued.length > 0);
      return;
    }
    // The bot greets on /start: the page only says what to tap, so no one is greeted twice.
    bubble(t("Tap “Start learning” below to begin."), "bot");
    const box = document.createElement("div");
    box.className = "choices first";
    const b = document.createElement("button");
    b.type = "button";
    b.id = "start";
    b.textContent = t("Start learning");
    b.addEventListener("click", () => tapped(b.textContent, { text: startCommand }));
    box.appendChild(b);
    log.appendChild(box);
  }

  start();
})();
