/*
 * Live notifications, as progressive enhancement over the server-rendered page (no framework, no CDN).
 *
 * Opens ws(s)://<this host>/ws/presence/ and, on {"type": "notification", "payload": {...}}:
 *  - sets the header's unread count (and its accessible label "Notifications, N unread");
 *  - on the notification centre, puts the new notification at the top of the list;
 *  - elsewhere, announces "New: <text>" in a polite status region for a few seconds.
 * Reconnects with backoff (1 s doubling to 30 s); stops for good on 4401 (signed out) or 4404
 * (not a member here). Text is set with textContent only, and links are paths on this host.
 */
(function () {
  "use strict";
  if (!("WebSocket" in window)) { return; }

  var STOP_CODES = [4401, 4404];
  var delay = 1000;
  var MAX_DELAY = 30000;
  var noteTimer = null;

  function isLocalPath(url) {
    return typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/" && url.indexOf("\\") === -1;
  }

  function setCount(unread) {
    var n = parseInt(unread, 10);
    if (isNaN(n) || n < 0) { return; }
    var link = document.querySelector("[data-testid=notifications-link]");
    var count = document.querySelector("[data-testid=unread-count]");
    if (count) { count.textContent = String(n); }
    if (link) { link.setAttribute("aria-label", "Notifications, " + n + " unread"); }
  }

  function csrfToken() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function prepend(list, payload) {
    var id = parseInt(payload.id, 10);
    if (isNaN(id) || list.querySelector("[data-id='" + id + "']")) { return; }
    var empty = list.querySelector("[data-testid=no-notifications]");
    if (empty) { empty.remove(); }
    var item = document.createElement("li");
    item.className = "notification unread";
    item.setAttribute("data-testid", "notification");
    item.setAttribute("data-id", String(id));
    var state = document.createElement("strong");
    state.className = "state";
    state.textContent = "Unread:";
    var link = document.createElement("a");
    link.href = "/notifications/" + id + "/open/";
    link.textContent = String(payload.text || "");
    var when = document.createElement("span");
    when.className = "when";
    when.textContent = "Just now";
    item.appendChild(state);
    item.appendChild(document.createTextNode(" "));
    item.appendChild(link);
    item.appendChild(document.createTextNode(" "));
    item.appendChild(when);
    var token = csrfToken();
    if (token) {
      var form = document.createElement("form");
      form.method = "post";
      form.action = "/notifications/" + id + "/read/";
      form.className = "inline";
      var hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = "csrfmiddlewaretoken";
      hidden.value = token;
      var button = document.createElement("button");
      button.type = "submit";
      button.textContent = "Mark as read";
      var which = document.createElement("span");
      which.className = "visually-hidden";
      which.textContent = ": " + String(payload.text || "");
      button.appendChild(which);
      form.appendChild(hidden);
      form.appendChild(button);
      item.appendChild(form);
    }
    list.insertBefore(item, list.firstChild);
  }

  function announce(payload) {
    var note = document.querySelector("[data-testid=live-note]");
    if (!note) { return; }
    note.textContent = "New: " + String(payload.text || "");
    note.classList.remove("visually-hidden");
    note.classList.add("shown");
    if (noteTimer) { window.clearTimeout(noteTimer); }
    noteTimer = window.setTimeout(function () {
      note.classList.remove("shown");
      note.classList.add("visually-hidden");
    }, 8000);
  }

  function onNotification(payload) {
    if (!payload || payload.event !== "notification") { return; }
    setCount(payload.unread);
    var list = document.getElementById("notification-list");
    if (list && isLocalPath(payload.url)) {
      prepend(list, payload);
    } else {
      announce(payload);
    }
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket;
    try {
      socket = new WebSocket(scheme + window.location.host + "/ws/presence/");
    } catch (e) {
      return;
    }
    socket.addEventListener("open", function () { delay = 1000; });
    socket.addEventListener("message", function (event) {
      var message;
      try { message = JSON.parse(event.data); } catch (e) { return; }
      if (message && message.type === "notification") { onNotification(message.payload); }
    });
    socket.addEventListener("close", function (event) {
      if (STOP_CODES.indexOf(event.code) !== -1) { return; }
      window.setTimeout(connect, delay);
      delay = Math.min(delay * 2, MAX_DELAY);
    });
  }

  connect();
}());
