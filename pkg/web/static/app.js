// newsbrief page script: live briefs over Server-Sent Events, the submit
// form, and status polling. No dependencies; the page works without it.
"use strict";
(function () {
  function $(sel) { return document.querySelector(sel); }

  function say(el, parts) {
    // parts: strings, or [text, href] pairs for links. Never innerHTML.
    el.textContent = "";
    parts.forEach(function (p) {
      if (Array.isArray(p)) {
        var a = document.createElement("a");
        a.href = p[1];
        a.textContent = p[0];
        el.appendChild(a);
      } else {
        el.appendChild(document.createTextNode(p));
      }
    });
  }

  // Live updates: only on the first page of a list.
  var live = $("#live"), list = $("#briefs");
  if (live && list && window.EventSource && !/[?&]cursor=/.test(location.search)) {
    var q = live.getAttribute("data-stream") || "";
    var es = new EventSource("/v1/briefs/stream?" + (q ? q + "&" : "") + "html=1");
    var fresh = 0;
    es.onopen = function () { live.setAttribute("data-state", "open"); if (!fresh) say(live, ["Live: new briefs appear here."]); };
    es.onerror = function () { live.setAttribute("data-state", "retry"); say(live, ["Connection lost; reconnecting…"]); };
    es.addEventListener("brief", function (e) {
      var t = document.createElement("template");
      t.innerHTML = e.data; // HTML escaped by the server's html/template
      var card = t.content.firstElementChild;
      if (!card) return;
      var old = document.getElementById(card.id);
      if (old) old.remove();
      var empty = document.getElementById("empty");
      if (empty) empty.remove();
      card.classList.add("new");
      list.insertBefore(card, list.firstElementChild);
      fresh++;
      say(live, [fresh + (fresh === 1 ? " new brief" : " new briefs") + " since you opened the page."]);
    });
  }

  function poll(id, onDone, tries) {
    tries = tries || 0;
    fetch("/v1/articles/" + encodeURIComponent(id), { headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (st) {
        if (st.status && st.status !== "pending") { onDone(st); return; }
        if (tries < 240) setTimeout(function () { poll(id, onDone, tries + 1); }, Math.min(250 * (tries + 1), 1000));
      })
      .catch(function () { if (tries < 240) setTimeout(function () { poll(id, onDone, tries + 1); }, 1000); });
  }

  // The submit form.
  var form = $("#submit-form"), status = $("#submit-status");
  if (form && status) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var text = form.elements.text.value.trim();
      if (!text) { say(status, ["Paste some text or a URL first."]); return; }
      var sub = {};
      if (/^https?:\/\/\S+$/.test(text)) sub.url = text; else sub.body = text;
      if (form.elements.title.value.trim()) sub.title = form.elements.title.value.trim();
      if (form.elements.language.value) sub.language = form.elements.language.value;
      var headers = { "Content-Type": "application/json", "Accept": "application/json" };
      var token = form.elements.token.value.trim();
      if (token) headers.Authorization = "Bearer " + token;
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      status.className = "status s-pending";
      say(status, ["Submitting…"]);
      fetch("/v1/articles", { method: "POST", headers: headers, body: JSON.stringify(sub) })
        .then(function (r) { return r.json().then(function (j) { return { code: r.status, body: j }; }); })
        .then(function (res) {
          button.disabled = false;
          if (res.code >= 300) {
            status.className = "status s-rejected";
            say(status, ["Not accepted (" + res.code + "): " + (res.body.error || "unknown error")]);
            return;
          }
          var id = res.body.id;
          form.elements.text.value = "";
          var show = function (st) {
            status.className = "status s-" + st.status;
            if (st.status === "briefed") say(status, ["Briefed: ", ["read the brief", "/briefs/" + id]]);
            else if (st.status === "pending") say(status, ["Pending: the pipeline is working on it (", ["status", "/articles/" + id], ")."]);
            else say(status, [st.status + (st.stage ? " at " + st.stage : "") + ": " + (st.reason || "no reason given") + " (", ["status", "/articles/" + id], ")"]);
          };
          show({ status: res.body.duplicate ? res.body.status : "pending" });
          if (!res.body.duplicate || res.body.status === "pending") poll(id, show);
        })
        .catch(function (err) {
          button.disabled = false;
          status.className = "status s-rejected";
          say(status, ["Could not submit: " + err]);
        });
    });
  }

  // The article status page reloads when the article settles.
  var art = $("#article-status");
  if (art && art.getAttribute("data-status") === "pending") {
    poll(art.getAttribute("data-id"), function () { location.reload(); });
  }
})();
