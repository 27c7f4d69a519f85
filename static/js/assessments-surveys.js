// The survey page: focus the list of errors, and save the answers as a draft a moment after
// each change (the "Save and continue later" button works without this script).
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
  var form = document.querySelector("[data-survey-form]");
  if (!form || !window.fetch || !window.FormData) return;
  var status = form.querySelector("[data-autosave-status]");
  var timer = null;
  function save() {
    var data = new FormData(form);
    data.set("action", "save");
    fetch(form.action || window.location.href, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Autosave": "1" },
    }).then(function (response) {
      if (response.ok && status) {
        status.hidden = false;
        status.textContent = form.getAttribute("data-saved-text") || "";
      }
    }).catch(function () {});
  }
  function later() {
    if (timer) window.clearTimeout(timer);
    timer = window.setTimeout(save, 1500);
  }
  form.addEventListener("change", later);
  form.addEventListener("input", later);
})();
