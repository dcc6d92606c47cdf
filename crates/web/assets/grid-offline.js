// Grid work without signal: the one part of the site that needs JavaScript. Every page works
// without it; with it, a visit saved while the phone has no connection is kept on the phone
// (IndexedDB) instead of lost, and sent to /api/v1/grid/visits/sync when the connection is back.
// Each draft carries the form's idempotency key, so a visit sent twice is stored once. A visit
// the server refuses stays on the phone with the reason shown.
(function () {
  "use strict";
  var DB = "quanke-grid", STORE = "drafts";
  var panel = document.getElementById("offline");
  if (!panel || !window.indexedDB) return;
  var csrf = panel.getAttribute("data-csrf");

  function open() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB, 1);
      req.onupgradeneeded = function () { req.result.createObjectStore(STORE, { keyPath: "key" }); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  function tx(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(STORE, mode);
        var out = work(t.objectStore(STORE));
        t.oncomplete = function () { resolve(out && out.result !== undefined ? out.result : out); };
        t.onerror = function () { reject(t.error); };
      });
    });
  }

  function all() { return tx("readonly", function (s) { return s.getAll(); }); }
  function put(draft) { return tx("readwrite", function (s) { s.put(draft); }); }
  function drop(key) { return tx("readwrite", function (s) { s["delete"](key); }); }

  function show() {
    return all().then(function (drafts) {
      var list = panel.querySelector("ul");
      list.textContent = "";
      drafts.forEach(function (d) {
        var li = document.createElement("li");
        li.textContent = d.label + " · " + (d.visit.day || "今天") + (d.problem ? " —— 未能上传：" + d.problem : "");
        list.appendChild(li);
      });
      panel.querySelector(".count").textContent = drafts.length;
      panel.hidden = drafts.length === 0;
    });
  }

  function sync() {
    if (!navigator.onLine) return show();
    return all().then(function (drafts) {
      if (drafts.length === 0) return show();
      var batch = drafts.slice(0, 200);
      return fetch("/api/v1/grid/visits/sync", {
        method: "POST",
        credentials: "same-origin",
        headers: { "content-type": "application/json", "x-csrf-token": csrf },
        body: JSON.stringify({ visits: batch.map(function (d) { return d.visit; }) })
      }).then(function (resp) {
        if (!resp.ok) throw new Error("HTTP " + resp.status);
        return resp.json();
      }).then(function (answer) {
        return Promise.all(answer.results.map(function (r, i) {
          if (r.status === "stored") return drop(r.key);
          var kept = batch[i];
          kept.problem = r.error ? r.error.message : "未知原因";
          return put(kept);
        }));
      }).then(function () {
        return drafts.length > batch.length ? sync() : show();
      });
    })["catch"](function () { return show(); });
  }

  /** The visit form's fields as the sync API takes them. */
  function visitOf(form) {
    var f = new FormData(form);
    var minutes = parseInt(f.get("minutes"), 10);
    var visit = {
      key: f.get("key"),
      day: f.get("day") || null,
      purposes: f.getAll("purpose"),
      findings: f.get("findings") || "",
      sensitive: f.get("sensitive") === "on",
      subjects: f.getAll("subject")
    };
    if (!isNaN(minutes)) visit.minutes = minutes;
    var followUp = (f.get("follow_up") || "").trim();
    if (followUp || f.get("follow_up_due")) {
      visit.follow_up = { title: followUp, due: f.get("follow_up_due") || "" };
    }
    return visit;
  }

  /** 128 random bits in hex: a key of the phone's own. */
  function freshKey() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  var form = document.querySelector("form.visit-form");
  if (form) {
    // A form opened from the phone's copy without signal carries the key of the copy: another
    // visit recorded on it must not replace the draft saved from it before.
    if (!navigator.onLine) form.elements.key.value = freshKey();
    form.addEventListener("submit", function (e) {
      if (navigator.onLine) return;
      e.preventDefault();
      var draft = { key: form.elements.key.value, label: form.getAttribute("data-label"), visit: visitOf(form) };
      put(draft).then(show).then(function () {
        var saved = document.getElementById("saved-offline");
        saved.hidden = false;
        saved.focus();
      });
    });
  }
  window.addEventListener("online", sync);
  if ("serviceWorker" in navigator) navigator.serviceWorker.register("/grid/sw.js", { scope: "/grid/" })["catch"](function () {});
  sync();
})();
