/* Announcement form: show the group or economy select only for the audience that needs it.
   Without JavaScript both selects stay visible and the server validates the choice. */
(function () {
  "use strict";
  document.querySelectorAll("[data-audience-form]").forEach(function (form) {
    var radios = form.querySelectorAll('input[name="audience"]');
    var blocks = form.querySelectorAll("[data-audience-for]");
    function update() {
      var checked = form.querySelector('input[name="audience"]:checked');
      var value = checked ? checked.value : "";
      blocks.forEach(function (block) {
        var shown = block.getAttribute("data-audience-for") === value;
        block.hidden = !shown;
        block.querySelectorAll("select").forEach(function (select) {
          select.disabled = !shown;
        });
      });
    }
    radios.forEach(function (radio) {
      radio.addEventListener("change", update);
    });
    update();
  });
})();
