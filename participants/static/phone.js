// Spirale's phone pages, made nicer where JavaScript runs; every form works without it.
// - the note is sent without reloading, and the field is emptied only once the server has stored it;
// - "already said?": a debounced request shows the group's closest notes while the participant types;
// - a characters counter, and the countdown of the facilitator's timer;
// - a survey screen's answer (or a vote's tap) is posted and the next screen drawn from the reply: one request
//   instead of POST, redirect and GET, and no blank page between two questions on a slow network.
(function () {
  "use strict";

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      var args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(null, args); }, ms);
    };
  }

  function counter(area) {
    var limit = parseInt(area.getAttribute("data-limit"), 10);
    var count = document.getElementById("count");
    var warning = area.form && area.form.querySelector(".notice.warning");
    function update() {
      var n = area.value.length;
      if (count && area.id === "text") {
        count.textContent = n + " / " + limit;
        count.classList.toggle("over", n > limit);
      }
      if (warning && area.id === "text") warning.classList.toggle("hidden", n <= limit);
    }
    area.addEventListener("input", update);
    update();
  }

  function similar(form, area) {
    var box = document.getElementById("similar");
    var url = form.getAttribute("data-similar");
    if (!box || !url) return;
    var asked = 0;
    var ask = debounce(function () {
      var text = area.value.trim();
      var mine = ++asked;
      if (text.length < 3) { box.textContent = ""; return; }
      fetch(url + "?texte=" + encodeURIComponent(text), { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { similar: [] }; })
        .then(function (data) {
          if (mine !== asked) return;
          box.textContent = "";
          if (!data.similar || !data.similar.length) return;
          var title = document.createElement("p");
          title.textContent = box.getAttribute("data-title");
          var list = document.createElement("ul");
          data.similar.forEach(function (text) {
            var item = document.createElement("li");
            item.textContent = text;
            list.appendChild(item);
          });
          box.appendChild(title);
          box.appendChild(list);
        })
        .catch(function () {});
    }, 300);
    area.addEventListener("input", ask);
  }

  function sendWithoutReload(form, area) {
    var outcome = document.getElementById("outcome");
    var button = form.querySelector("button[type=submit]");
    form.addEventListener("submit", function (event) {
      if (!window.fetch || !window.URLSearchParams) return; // the plain POST does it
      event.preventDefault();
      var body = new URLSearchParams(new FormData(form));
      button.disabled = true;
      outcome.className = "outcome";
      outcome.textContent = form.getAttribute("data-sending");
      fetch(form.action, {
        method: "POST",
        body: body,
        headers: { Accept: "application/json" },
        credentials: "same-origin"
      })
        .then(function (r) { return r.json().catch(function () { return { ok: false, message: form.getAttribute("data-offline") }; }); })
        .then(function (data) {
          outcome.textContent = data.message || "";
          outcome.className = "outcome " + (data.ok ? "ok" : "error");
          if (!data.ok) return;
          area.value = "";
          area.dispatchEvent(new Event("input"));
          var list = document.getElementById("mine");
          var none = document.getElementById("none");
          var heading = document.getElementById("mine-title");
          if (heading && data.heading) heading.textContent = data.heading;
          if (none) none.remove();
          if (list && data.html) {
            list.insertAdjacentHTML("afterbegin", data.html);
            if (list.firstElementChild) list.firstElementChild.classList.add("fresh");
          }
          area.focus();
        })
        .catch(function () {
          outcome.textContent = form.getAttribute("data-offline");
          outcome.className = "outcome error";
        })
        .then(function () { button.disabled = false; });
    });
  }

  function countdown() {
    var timer = document.querySelector(".timer[data-seconds]");
    if (!timer) return;
    var left = parseInt(timer.getAttribute("data-seconds"), 10);
    var shown = timer.querySelector(".left");
    var ends = Date.now() + left * 1000;
    var tick = function () {
      var s = Math.max(0, Math.ceil((ends - Date.now()) / 1000));
      shown.textContent = s ? timer.getAttribute("data-template").replace("{time}", Math.floor(s / 60) + ":" + ("0" + (s % 60)).slice(-2))
                            : timer.getAttribute("data-over");
      timer.classList.toggle("late", s < 60);
      if (s) setTimeout(tick, 1000);
    };
    tick();
  }

  // The page the server sent in place of this one: its main part, title and language link; then the phone's
  // history, the top of the page, and the focus on the new question (a screen reader reads it next).
  function drawPage(text, address, keepPlace) {
    var next = new DOMParser().parseFromString(text, "text/html");
    var main = next.getElementById("main");
    var here = document.getElementById("main");
    if (!main || !here) return false;
    here.replaceWith(document.adoptNode(main));
    var link = next.querySelector("header .lang");
    var mine = document.querySelector("header .lang");
    if (link && mine) mine.replaceWith(document.adoptNode(link));
    document.title = next.title;
    if (keepPlace) {  // a vote's tap: the same place on the page, the same button under the thumb
      if (address) history.replaceState(null, "", address);
      var again = keepPlace.id && main.querySelector("#" + keepPlace.id + " ." + keepPlace.kind + ":not([disabled])");
      var other = keepPlace.id && main.querySelector("#" + keepPlace.id + " button:not([disabled])");
      if (again || other) (again || other).focus({ preventScroll: true });
      return true;
    }
    if (address) history.pushState(null, "", address);
    window.scrollTo(0, 0);
    var heading = main.querySelector(".question, h2, .notice") || main.querySelector("h1");
    if (heading) {
      heading.setAttribute("tabindex", "-1");
      heading.focus();
    }
    return true;
  }

  function surveyWithoutReload() {
    if (!window.fetch || !window.URLSearchParams || !window.DOMParser || !history.pushState) return;
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (!form.classList || form.getAttribute("data-plain")) return;
      var voting = form.classList.contains("vote");
      if (!voting && !form.classList.contains("survey")) return;
      event.preventDefault();
      var body = new URLSearchParams(new FormData(form));
      var by = event.submitter;
      var item = voting && by && by.closest ? by.closest("li") : null;
      var place = voting ? { id: item ? item.id : "", kind: by ? by.className.split(" ")[0] : "" } : null;
      if (by && by.name) body.append(by.name, by.value);
      var buttons = form.querySelectorAll("button");
      buttons.forEach(function (b) { b.disabled = true; });
      fetch(form.action, {
        method: "POST",
        body: body,
        headers: { "X-Spirale-Screen": "1" },
        credentials: "same-origin"
      })
        .then(function (r) {
          if ((r.headers.get("Content-Type") || "").indexOf("text/html") !== 0) throw new Error("not a page");
          var address = r.headers.get("X-Spirale-Address") || (r.redirected ? r.url : "");
          return r.text().then(function (text) {
            if (!drawPage(text, address, place)) throw new Error("not a page");
          });
        })
        .catch(function () {
          // The plain form does it (the server keeps the answer either way); the button's own value goes too.
          buttons.forEach(function (b) { b.disabled = false; });
          form.setAttribute("data-plain", "1");
          if (by && by.name) {
            var field = document.createElement("input");
            field.type = "hidden";
            field.name = by.name;
            field.value = by.value;
            form.appendChild(field);
          }
          HTMLFormElement.prototype.submit.call(form);
        });
    });
    window.addEventListener("popstate", function () { location.reload(); });
  }

  surveyWithoutReload();

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea[data-limit]").forEach(counter);
    var form = document.getElementById("write");
    var area = document.getElementById("text");
    if (form && area) {
      similar(form, area);
      sendWithoutReload(form, area);
    }
    countdown();
  });
})();
