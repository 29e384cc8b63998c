// hocvuso's chat launcher for other sites (docs/embed.md): one <script> tag adds a round
// button in the page's corner that opens the compact chat (/chat/embed) in a frame, and
// closes it again. The frame comes from the server this script was loaded from; that server
// lets the page frame it only when HOCVUSO_EMBED_ORIGINS names the page's site. Nothing is
// fetched from it before the button is first tapped.
"use strict";
(function () {
  const script = document.currentScript;
  if (!script || document.getElementById("hocvuso-launcher")) return;
  const origin = new URL(script.src, window.location.href).origin;
  const label = script.dataset.label || "Hỏi Học vụ số";
  const close = script.dataset.close || "Đóng";

  const frame = document.createElement("iframe");
  frame.title = label;
  frame.hidden = true;
  Object.assign(frame.style, {
    position: "fixed", right: "12px", bottom: "84px", zIndex: "2147483000",
    width: "min(380px, calc(100vw - 24px))", height: "min(600px, calc(100vh - 108px))",
    border: "1px solid #c9d4cf", borderRadius: "16px", background: "#fff",
    boxShadow: "0 6px 24px rgba(0,0,0,.25)",
  });

  const button = document.createElement("button");
  button.id = "hocvuso-launcher";
  button.type = "button";
  button.textContent = "💬 " + label;
  button.setAttribute("aria-expanded", "false");
  Object.assign(button.style, {
    position: "fixed", right: "12px", bottom: "12px", zIndex: "2147483001",
    minHeight: "56px", padding: "0 20px", border: "0", borderRadius: "28px",
    background: "#0b6e4f", color: "#fff", font: "600 17px system-ui, sans-serif",
    boxShadow: "0 3px 12px rgba(0,0,0,.3)", cursor: "pointer",
  });
  function toggle(open) {
    if (open && !frame.src) frame.src = origin + "/chat/embed";
    frame.hidden = !open;
    button.setAttribute("aria-expanded", String(open));
    button.textContent = open ? "✕ " + close : "💬 " + label;
  }
  button.addEventListener("click", () => toggle(frame.hidden));
  // Escape closes it, from the portal's page (the frame's own keys stay the chat's).
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !frame.hidden) { toggle(false); button.focus(); }
  });

  function mount() {
    document.body.appendChild(frame);
    document.body.appendChild(button);
  }
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
