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

  let busy = false;
  let pending = null; // a message that failed to send, kept so nothing is lost

  function scrollDown() { log.scrollTop = log.scrollHeight; }

  function bubble(text, who, image, links) {
    const div = document.createElement("div");
    div.className = "msg " + who;
    if (image) {
      const img = document.createElement("img");
      img.src = image; img.alt = "";
      img.addEventListener("load", scrollDown);
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
    scrollDown();
    return div;
  }

  function showReply(reply) {
    bubble(reply.text, "bot", reply.image, reply.links);
    showChoices(reply.choices);
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
      b.addEventListener("click", () => {
        if (busy) return;
        disableOldChoices();
        bubble(choice.label, "me");
        send({ choice: choice.id });
      });
      box.appendChild(b);
    });
    log.appendChild(box);
    scrollDown();
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return String(Date.now()) + Math.random().toString(16).slice(2);
  }

  async function send(body) {
    busy = true;
    // A resent message keeps its id, so the server answers it once even if it got there.
    const message = body.id ? body : Object.assign({ id: newId() }, body);
    const typing = bubble("…", "typing");
    try {
      const response = await fetch("/chat/api/send", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        credentials: "same-origin",
        body: JSON.stringify(message),
      });
      const data = await response.json();
      typing.remove();
      pending = null;
      disableOldChoices();
      (data.replies || []).forEach(showReply);
    } catch (err) {
      typing.remove();
      pending = message;
      bubble(t("The connection was lost. Your answer is kept: tap Send to try again."), "bot");
    } finally {
      busy = false;
      input.focus();
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (busy) return;
    if (pending && !input.value.trim()) { const again = pending; pending = null; send(again); return; }
    const text = input.value;
    if (!text.trim()) return;
    input.value = "";
    bubble(text, "me");
    send({ text: text });
  });

  async function start() {
    let returning = false;
    try {
      const r = await fetch("/chat/api/session", { credentials: "same-origin" });
      const session = await r.json();
      returning = session.returning;
      // What the bot sent while the page was closed (announcements, reminders), shown once.
      (session.messages || []).forEach(showReply);
    } catch (err) { /* offline: show the greeting */ }
    if (returning) {
      send({ text: "/start" });
      return;
    }
    bubble(t("Hello! I am Học vụ số. Tap “Start learning” to begin."), "bot");
    const box = document.createElement("div");
    box.className = "choices";
    const b = document.createElement("button");
    b.type = "button";
    b.id = "start";
    b.textContent = t("Start learning");
    b.addEventListener("click", () => { b.disabled = true; send({ text: "/start" }); });
    box.appendChild(b);
    log.appendChild(box);
  }

  start();
})();
