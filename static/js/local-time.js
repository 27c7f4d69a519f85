/*
 * Show moments in the reader's own time zone. The server prints a deadline in the programme's
 * zone (cached pages cannot know the reader's); this adds the same moment in the browser's zone
 * and a countdown, both in the page language, and hides an open call once its deadline passed.
 */
(function () {
  "use strict";

  var lang = document.documentElement.lang || "en";

  function format(date) {
    try {
      return new Intl.DateTimeFormat(lang, {
        year: "numeric",
        month: "long",
        day: "numeric",
        weekday: "short",
        hour: "numeric",
        minute: "2-digit",
        timeZoneName: "short",
      }).format(date);
    } catch (error) {
      return date.toString();
    }
  }

  function countdown(date) {
    var seconds = (date.getTime() - Date.now()) / 1000;
    var rtf = new Intl.RelativeTimeFormat(lang, { numeric: "auto" });
    if (Math.abs(seconds) >= 86400) {
      return rtf.format(Math.round(seconds / 86400), "day");
    }
    if (Math.abs(seconds) >= 3600) {
      return rtf.format(Math.round(seconds / 3600), "hour");
    }
    return rtf.format(Math.round(seconds / 60), "minute");
  }

  function update() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-local-time]"), function (node) {
      var date = new Date(node.getAttribute("data-local-time"));
      if (isNaN(date)) {
        return;
      }
      node.querySelector(".local-time__value").textContent = format(date);
      node.hidden = false;
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-countdown]"), function (node) {
      var date = new Date(node.getAttribute("data-countdown"));
      if (isNaN(date) || !window.Intl || !Intl.RelativeTimeFormat) {
        return;
      }
      node.textContent = countdown(date);
      node.hidden = false;
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-expires]"), function (node) {
      var date = new Date(node.getAttribute("data-expires"));
      if (!isNaN(date) && date.getTime() <= Date.now()) {
        node.hidden = true;
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", update);
  } else {
    update();
  }
})();
