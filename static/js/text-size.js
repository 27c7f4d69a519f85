/*
 * Text-size control. Loaded in <head> (not deferred) so that a stored size applies before the
 * page is painted. The buttons in the header step the size down, back to standard, or up; the
 * choice is kept in localStorage and applies to every page of the site.
 */
(function () {
  "use strict";

  var KEY = "aslp-text-size";
  var SIZES = ["small", "normal", "large", "larger", "largest"];
  var root = document.documentElement;

  function stored() {
    try {
      var value = window.localStorage.getItem(KEY);
      return SIZES.indexOf(value) >= 0 ? value : "normal";
    } catch (error) {
      return "normal";
    }
  }

  function apply(size) {
    root.setAttribute("data-text-size", size);
    var buttons = document.querySelectorAll("[data-text-size-step]");
    Array.prototype.forEach.call(buttons, function (button) {
      var step = button.getAttribute("data-text-size-step");
      var index = SIZES.indexOf(size);
      if (step === "0") {
        button.setAttribute("aria-pressed", size === "normal" ? "true" : "false");
      } else if (step === "-1") {
        button.disabled = index === 0;
      } else {
        button.disabled = index === SIZES.length - 1;
      }
    });
  }

  function choose(step) {
    var index = SIZES.indexOf(stored());
    var next = step === 0 ? "normal" : SIZES[Math.max(0, Math.min(SIZES.length - 1, index + step))];
    try {
      window.localStorage.setItem(KEY, next);
    } catch (error) {
      /* Private browsing without storage: the size still applies to this page. */
    }
    apply(next);
  }

  root.classList.remove("no-js");
  root.classList.add("js");
  root.setAttribute("data-text-size", stored());

  document.addEventListener("DOMContentLoaded", function () {
    apply(stored());
    document.addEventListener("click", function (event) {
      var button = event.target.closest("[data-text-size-step]");
      if (button) {
        choose(parseInt(button.getAttribute("data-text-size-step"), 10));
      }
    });
  });
})();
