/*
 * The site menu on narrow screens: the main navigation and the search fold behind a "Menu"
 * button (CSS hides them under 48rem once this script has marked the header). Without script,
 * or on wide screens, everything shows as before.
 */
(function () {
  "use strict";

  var header = document.querySelector(".site-header");
  var button = document.querySelector("[data-menu-toggle]");
  var menu = document.getElementById("site-menu");
  if (!header || !button || !menu) {
    return;
  }
  header.classList.add("site-header--js");
  button.hidden = false;

  function setOpen(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    menu.classList.toggle("is-open", open);
  }

  button.addEventListener("click", function () {
    setOpen(button.getAttribute("aria-expanded") !== "true");
  });
  menu.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
      setOpen(false);
      button.focus();
    }
  });
})();
