// Grid work without signal: the one part of the site that needs JavaScript. Every page works
// without it; with it, what a worker saves while the phone has no connection is kept on the
// phone (IndexedDB) instead of lost, and sent when the connection is back: visits to
// /api/v1/grid/visits/sync, event reports to /api/v1/grid/events, event steps to
// /api/v1/grid/events/{id}/steps. Each draft carries the form's idempotency key (a step, the
// state the page showed), so nothing sent twice is stored twice, and an event moved on
// meanwhile is a conflict shown on the phone, not an overwrite. What the server refuses stays on
// the phone with the reason; the worker may send a possible duplicate anyway, or drop a draft.
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

  /** Drafts kept before events were: a visit with no kind. */
  function kindOf(d) { return d.kind || "visit"; }

  function button(label, act) {
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    b.addEventListener("click", act);
    return b;
  }

  function show() {
    return all().then(function (drafts) {
      var list = panel.querySelector("ul");
      list.textContent = "";
      drafts.forEach(function (d) {
        var li = document.createElement("li");
        var when = kindOf(d) === "visit" ? " · " + (d.visit.day || "今天") : "";
        li.textContent = d.label + when + (d.problem ? " —— 未能上传：" + d.problem : "");
        if (d.alike) {
          li.appendChild(button("仍然上报", function () {
            d.event.despite_alike = true;
            d.alike = false;
            d.problem = "";
            put(d).then(sync);
          }));
        }
        if (d.problem) li.appendChild(button("删除这条", function () { drop(d.key).then(show); }));
        list.appendChild(li);
      });
      panel.querySelector(".count").textContent = drafts.length;
      panel.hidden = drafts.length === 0;
    });
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json", "x-csrf-token": csrf },
      body: JSON.stringify(body)
    });
  }

  /** Keeps `draft` with the server's reason, or throws when the server could not answer. */
  function answered(draft, resp) {
    if (resp.ok) return drop(draft.key);
    if (resp.status >= 500 || resp.status === 401) throw new Error("HTTP " + resp.status);
    return resp.json().then(function (body) {
      var error = body.error || {};
      draft.problem = error.message || ("HTTP " + resp.status);
      draft.alike = error.code === "possible_duplicate";
      return put(draft);
    });
  }

  function sendVisits(drafts) {
    var batch = drafts.slice(0, 200);
    if (batch.length === 0) return Promise.resolve();
    return post("/api/v1/grid/visits/sync", { visits: batch.map(function (d) { return d.visit; }) })
      .then(function (resp) {
        if (!resp.ok) throw new Error("HTTP " + resp.status);
        return resp.json();
      }).then(function (answer) {
        return Promise.all(answer.results.map(function (r, i) {
          if (r.status === "stored") return drop(r.key);
          var kept = batch[i];
          kept.problem = r.error ? r.error.message : "未知原因";
          return put(kept);
        }));
      }).then(function () { return drafts.length > batch.length ? sendVisits(drafts.slice(200)) : null; });
  }

  /** Events and steps one at a time, in the order saved (a report before the steps after it). */
  function sendOthers(drafts) {
    return drafts.reduce(function (done, d) {
      return done.then(function () {
        if (d.problem) return null;
        var url = kindOf(d) === "event" ? "/api/v1/grid/events" : "/api/v1/grid/events/" + d.event_id + "/steps";
        var body = kindOf(d) === "event" ? d.event : d.step;
        return post(url, body).then(function (resp) { return answered(d, resp); });
      });
    }, Promise.resolve());
  }

  function sync() {
    if (!navigator.onLine) return show();
    return all().then(function (drafts) {
      drafts.sort(function (a, b) { return (a.saved || 0) - (b.saved || 0); });
      var visits = drafts.filter(function (d) { return kindOf(d) === "visit" && !d.problem; });
      var others = drafts.filter(function (d) { return kindOf(d) !== "visit"; });
      return sendVisits(visits).then(function () { return sendOthers(others); });
    }).then(show)["catch"](function () { return show(); });
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
    if (f.get("event_category") || (f.get("event_summary") || "").trim()) {
      visit.event = { category: f.get("event_category") || "", summary: f.get("event_summary") || "" };
    }
    return visit;
  }

  /** The event form's fields as the events API takes them. */
  function eventOf(form) {
    var f = new FormData(form);
    return {
      key: f.get("key"),
      category: f.get("category") || "",
      summary: f.get("summary") || "",
      place: f.get("place") || "",
      subjects: f.getAll("subject"),
      despite_alike: f.get("despite_alike") === "on"
    };
  }

  /** A step form's fields, with the state the page showed: a step on an event moved on since
   * is answered 409 and kept on the phone with the event's state now. */
  function stepOf(form) {
    var f = new FormData(form);
    var handler = f.get("handler") || "";
    if (handler === "department") handler = "department:" + (f.get("department") || "");
    return { action: f.get("action"), note: f.get("note") || "", handler: handler, expected_state: f.get("expected") || "" };
  }

  /** 128 random bits in hex: a key of the phone's own. */
  function freshKey() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function saved() {
    var note = document.getElementById("saved-offline");
    if (!note) return;
    note.hidden = false;
    note.focus();
  }

  /** What a form keeps on the phone when there is no signal, by its data-offline kind. */
  function draftOf(form) {
    var label = form.getAttribute("data-label") || "";
    switch (form.getAttribute("data-offline")) {
      case "event": return { key: "event:" + form.elements.key.value, kind: "event", label: "上报事件：" + label, event: eventOf(form) };
      case "step":
        var step = stepOf(form);
        return { key: "step:" + freshKey(), kind: "step", label: label + " · " + form.getAttribute("data-action-label"),
          event_id: form.getAttribute("data-event"), step: step };
      default: return { key: form.elements.key.value, kind: "visit", label: label, visit: visitOf(form) };
    }
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-offline]"), function (form) {
    // A form opened from the phone's copy without signal carries the key of the copy: another
    // record made on it must not replace the draft saved from it before.
    if (!navigator.onLine && form.elements.key) form.elements.key.value = freshKey();
    form.addEventListener("submit", function (e) {
      if (navigator.onLine) return;
      e.preventDefault();
      var draft = draftOf(form);
      draft.saved = Date.now();
      put(draft).then(show).then(saved);
    });
  });
  window.addEventListener("online", sync);
  if ("serviceWorker" in navigator) navigator.serviceWorker.register("/grid/sw.js", { scope: "/grid/" })["catch"](function () {});
  sync();
})();
