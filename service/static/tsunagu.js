/* tsunagu pages: small enhancements. Every page works without this file. */
(function () {
  "use strict";

  // 印刷・保存: print one card (the print stylesheet hides the others) or the whole page.
  document.querySelectorAll("[data-print]").forEach(function (button) { button.hidden = false; });
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-print]");
    if (!button) return;
    var item = button.closest(".cards > li");
    if (item) {
      item.classList.add("print-this");
      document.body.classList.add("printing-one");
    }
    window.print();
  });
  window.addEventListener("afterprint", function () {
    document.body.classList.remove("printing-one");
    document.querySelectorAll(".print-this").forEach(function (el) { el.classList.remove("print-this"); });
  });

  // After a form error, move focus to the summary so screen readers hear it.
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();

  var form = document.getElementById("console-form");
  var results = document.getElementById("suggestions");
  var status = document.getElementById("live-status");

  function post(url, formElement, extraHeaders) {
    var headers = { "Content-Type": "application/x-www-form-urlencoded" };
    Object.keys(extraHeaders || {}).forEach(function (k) { headers[k] = extraHeaders[k]; });
    return fetch(url, {
      method: "POST", credentials: "same-origin", headers: headers,
      body: new URLSearchParams(new FormData(formElement))
    });
  }

  // Counsellor console: live suggestions while the note is typed (the HTML fragment is
  // rendered and escaped by the server; the concern goes in the POST body only).
  if (form && results && form.dataset.live) {
    var timer = null;
    var latest = 0;
    var refresh = function () {
      var note = form.querySelector("#note").value.trim();
      if (note.length < 2) return;
      var ticket = ++latest;
      status.textContent = "候補を探しています…";
      results.setAttribute("aria-busy", "true");
      post(form.dataset.live, form).then(function (response) {
        return response.text().then(function (html) { return { ok: response.ok, html: html }; });
      }).then(function (answer) {
        if (ticket !== latest) return;  // a newer request is on its way
        results.innerHTML = answer.html;
        results.setAttribute("aria-busy", "false");
        var meta = results.querySelector("[data-count]");
        status.textContent = answer.ok
          ? "候補を" + (meta ? meta.dataset.count : "0") + "件に更新しました。"
          : "入力内容を確認してください。";
      }).catch(function () {
        if (ticket !== latest) return;
        results.setAttribute("aria-busy", "false");
        status.textContent = "候補を更新できませんでした。「候補を出す」を押してください。";
      });
    };
    form.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 600);
    });
  }

  // 紹介した: record the referral without leaving the page.
  document.addEventListener("submit", function (event) {
    var referral = event.target.closest(".refer-form");
    if (!referral) return;
    event.preventDefault();
    var box = referral.closest(".refer");
    var button = referral.querySelector("button[type=submit]");
    button.disabled = true;
    post(referral.action, referral, { "X-Tsunagu-Fragment": "1" }).then(function (response) {
      return response.text().then(function (html) { return { ok: response.ok, html: html }; });
    }).then(function (answer) {
      if (answer.ok) {
        box.innerHTML = answer.html;
        var done = box.querySelector(".done");
        if (done) done.focus();
      } else {
        button.disabled = false;
        var old = referral.querySelector(".refer-error");
        if (old) old.remove();
        var note = document.createElement("div");
        note.className = "refer-error";
        note.innerHTML = answer.html;
        referral.appendChild(note);
      }
    }).catch(function () {
      button.disabled = false;
      if (status) status.textContent = "記録できませんでした。もう一度押してください。";
    });
  });
})();
