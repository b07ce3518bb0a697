// Spirale's phone pages, made nicer where JavaScript runs; every form works without it.
// - the note is sent without reloading, and the field is emptied only once the server has stored it;
// - "already said?": a debounced request shows the group's closest notes while the participant types;
// - a characters counter, and the countdown of the facilitator's timer.
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
