/*
 * Pre-select the visitor's time zone on forms that ask for one.
 *
 * A <select data-timezone-guess> starts on UTC (the server's fallback); when the browser knows
 * its IANA zone (Intl.DateTimeFormat) and the list offers it, that option is selected instead.
 * The person can still pick any other zone. Without JavaScript the field simply stays on UTC.
 */
(function () {
  "use strict";

  function browserZone() {
    try {
      return Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (error) {
      return "";
    }
  }

  function guess() {
    var zone = browserZone();
    if (!zone) {
      return;
    }
    var selects = document.querySelectorAll("select[data-timezone-guess]");
    Array.prototype.forEach.call(selects, function (select) {
      var option = Array.prototype.find.call(select.options, function (candidate) {
        return candidate.value === zone;
      });
      if (option) {
        select.value = zone;
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", guess);
  } else {
    guess();
  }
})();
