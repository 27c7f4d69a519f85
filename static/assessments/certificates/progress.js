/* The live progress bar of a bulk issue of certificates (admin cohort page). While the batch is
   queued or running, the progress block is fetched again every second from the URL in its
   data-url and swapped in (the server renders it, so every text stays translated). When the
   batch ends, the page reloads once to show the certificates issued. Without this script the
   page still shows the state as it was when loaded. */
(function () {
  "use strict";
  var DELAY = 1000;

  function poll() {
    var box = document.getElementById("batch-progress");
    if (!box || box.getAttribute("data-active") !== "true") { return; }
    var url = box.getAttribute("data-url");
    window.setTimeout(function () {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.text();
        })
        .then(function (html) {
          var holder = document.createElement("div");
          holder.innerHTML = html;
          var fresh = holder.querySelector("#batch-progress");
          if (!fresh) { return; }
          box.replaceWith(fresh);
          if (fresh.getAttribute("data-active") === "true") {
            poll();
          } else if (fresh.getAttribute("data-status") !== "interrupted") {
            window.location.reload();
          }
        })
        .catch(function () { window.setTimeout(poll, DELAY * 4); });
    }, DELAY);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", poll);
  } else {
    poll();
  }
})();
