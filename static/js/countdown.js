/*
 * Live countdowns to a deadline: days, hours and minutes left, updated every few seconds.
 *
 * Markup (rendered by the server with the starting values, so it reads well without script):
 *   <p data-countdown-to="ISO moment"> ... <time datetime="P1DT2H3M">
 *     <span data-countdown-part="day">1 day</span> <span data-countdown-part="hour">...</span>
 *     <span data-countdown-part="minute">...</span></time></p>
 *   <p data-countdown-closed hidden>...</p>  shown once the moment has passed
 *   <p data-countdown-open>...</p>           hidden once the moment has passed
 * inside one element (the closest <article>, else the parent). Unit words come from the
 * browser in the page language (Intl.NumberFormat: "3 days", "3일"); without it only the
 * numbers change and the server's words stay.
 */
(function () {
  "use strict";

  var lang = document.documentElement.lang || "en";
  var UNITS = { day: 86400, hour: 3600, minute: 60 };
  var formats = {};

  function unitFormat(unit) {
    if (!(unit in formats)) {
      try {
        formats[unit] = new Intl.NumberFormat(lang, { style: "unit", unit: unit, unitDisplay: "long" });
      } catch (error) {
        formats[unit] = null;
      }
    }
    return formats[unit];
  }

  function split(seconds) {
    var left = Math.max(0, Math.floor(seconds));
    var parts = {};
    parts.day = Math.floor(left / UNITS.day);
    parts.hour = Math.floor((left % UNITS.day) / UNITS.hour);
    parts.minute = Math.floor((left % UNITS.hour) / UNITS.minute);
    return parts;
  }

  function showPart(node, value) {
    node.setAttribute("data-value", String(value));
    var format = unitFormat(node.getAttribute("data-countdown-part"));
    node.textContent = format ? format.format(value) : node.textContent.replace(/\d+/, String(value));
  }

  function close(clock) {
    var box = clock.closest("article") || clock.parentNode;
    clock.hidden = true;
    Array.prototype.forEach.call(box.querySelectorAll("[data-countdown-closed]"), function (node) {
      node.hidden = false;
    });
    Array.prototype.forEach.call(box.querySelectorAll("[data-countdown-open]"), function (node) {
      node.hidden = true;
    });
  }

  function update(clock) {
    var deadline = new Date(clock.getAttribute("data-countdown-to"));
    if (isNaN(deadline)) {
      return false;
    }
    var seconds = (deadline.getTime() - Date.now()) / 1000;
    if (seconds <= 0) {
      close(clock);
      return false;
    }
    var parts = split(seconds);
    Array.prototype.forEach.call(clock.querySelectorAll("[data-countdown-part]"), function (node) {
      showPart(node, parts[node.getAttribute("data-countdown-part")]);
    });
    var time = clock.querySelector("time");
    if (time) {
      time.setAttribute("datetime", "P" + parts.day + "DT" + parts.hour + "H" + parts.minute + "M");
    }
    return true;
  }

  function start() {
    var clocks = Array.prototype.filter.call(
      document.querySelectorAll("[data-countdown-to]:not([data-countdown-started])"),
      function (clock) {
        clock.setAttribute("data-countdown-started", "");
        return update(clock);
      }
    );
    if (!clocks.length) {
      return;
    }
    var timer = window.setInterval(function () {
      clocks = clocks.filter(update);
      if (!clocks.length) {
        window.clearInterval(timer);
      }
    }, 5000);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
