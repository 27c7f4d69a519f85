/* Coordinators' ranking: "Move up" / "Move down" buttons beside each rank box. Moving a row
   renumbers every rankable row 1..n in table order; the number boxes keep working without this
   script, and the form is still submitted by its own button. */
(function () {
  "use strict";
  var form = document.querySelector("form.coordinate-rank[data-reorderable='true']");
  if (!form) return;
  var tbody = form.querySelector("tbody");
  var status = form.querySelector("[data-rank-status]");

  function rankRows() {
    return Array.prototype.filter.call(tbody.querySelectorAll("tr[data-rank-row]"), function (row) {
      return row.querySelector("input.coordinate-rank__input");
    });
  }

  function nameOf(row) {
    var link = row.querySelector("th a");
    return link ? link.textContent.trim() : "";
  }

  function renumber() {
    rankRows().forEach(function (row, index) {
      row.querySelector("input.coordinate-rank__input").value = String(index + 1);
    });
  }

  function move(row, step, button) {
    var rows = rankRows();
    var index = rows.indexOf(row);
    var target = rows[index + step];
    if (!target) return;
    if (step < 0) tbody.insertBefore(row, target);
    else tbody.insertBefore(row, target.nextSibling);
    renumber();
    var rank = rankRows().indexOf(row) + 1;
    if (status) {
      status.textContent = form.dataset.moved
        .replace("%(name)s", nameOf(row))
        .replace("%(rank)s", String(rank));
    }
    button.focus();
  }

  function sortByCurrentNumbers() {
    // Rows come sorted by the saved rank; typed numbers may differ, so order by them first.
    var rows = rankRows();
    rows
      .map(function (row, index) {
        var value = parseInt(row.querySelector("input.coordinate-rank__input").value, 10);
        return { row: row, key: isNaN(value) ? Infinity : value, index: index };
      })
      .sort(function (a, b) {
        return a.key - b.key || a.index - b.index;
      })
      .forEach(function (item) {
        tbody.appendChild(item.row);
      });
    // Rows that cannot be ranked (withdrawn) go after the ranked ones, in their order.
    Array.prototype.forEach.call(tbody.querySelectorAll("tr[data-rank-row]"), function (row) {
      if (!row.querySelector("input.coordinate-rank__input")) tbody.appendChild(row);
    });
  }

  function addButtons(row) {
    var cell = row.querySelector(".coordinate-rank__cell");
    var group = document.createElement("span");
    group.className = "coordinate-rank__move";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", form.dataset.labelRow.replace("%(name)s", nameOf(row)));
    [
      [-1, form.dataset.labelUp, "\u2191"],
      [1, form.dataset.labelDown, "\u2193"],
    ].forEach(function (spec) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button coordinate-rank__button";
      button.setAttribute("aria-label", spec[1]);
      button.title = spec[1];
      button.textContent = spec[2];
      button.addEventListener("click", function () {
        move(row, spec[0], button);
      });
      group.appendChild(button);
    });
    cell.appendChild(group);
  }

  sortByCurrentNumbers();
  rankRows().forEach(addButtons);
})();
