// Sorting and filtering of the paper tables. The page reads fine without it: the
// tables arrive sorted by citations and every row is shown.
(function () {
  "use strict";
  function cellValue(row, index, numeric) {
    var raw = row.cells[index].getAttribute("data-value") || "";
    if (!numeric) return raw.toLowerCase();
    return raw === "" ? null : Number(raw);
  }
  function sortBy(table, header) {
    var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var index = headers.indexOf(header);
    var numeric = header.getAttribute("data-type") === "number";
    // First click: largest numbers first, text A to Z; a second click reverses.
    var current = header.getAttribute("aria-sort");
    var descending = current ? current === "ascending" : numeric;
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = cellValue(a, index, numeric), y = cellValue(b, index, numeric);
      if (x === y) return 0;
      if (x === null || x === "") return 1;  // empty cells last, either direction
      if (y === null || y === "") return -1;
      var order = numeric ? x - y : x.localeCompare(y);
      return descending ? -order : order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    headers.forEach(function (th) { th.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", descending ? "descending" : "ascending");
  }
  function filter(input) {
    var table = document.getElementById(input.getAttribute("data-table"));
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0, rows = table.tBodies[0].rows;
    for (var i = 0; i < rows.length; i++) {
      var text = rows[i].textContent.toLowerCase() + " " +
        Array.prototype.map.call(rows[i].cells, function (c) {
          return (c.getAttribute("data-value") || "").toLowerCase();
        }).join(" ");
      var match = words.every(function (w) { return text.indexOf(w) !== -1; });
      rows[i].hidden = !match;
      if (match) shown++;
    }
    var count = document.getElementById(table.getAttribute("data-count"));
    count.textContent = shown + " of " + rows.length + " papers";
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.papers"), function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
      var button = th.querySelector("button");
      if (button) button.addEventListener("click", function () { sortBy(table, th); });
    });
  });
  Array.prototype.forEach.call(document.querySelectorAll("input.filter"), function (input) {
    input.addEventListener("input", function () { filter(input); });
  });
})();
