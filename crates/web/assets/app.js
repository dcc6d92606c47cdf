// The only script: buttons marked data-print open the browser's print dialog. Without it the
// pages work the same, printed from the browser's menu.
document.addEventListener("click", function (e) {
  if (e.target.closest && e.target.closest("[data-print]")) {
    window.print();
  }
});

// Row lists of the catalogue editor ([data-rows]): add, remove and move rows. Inputs are named
// by position ("materials[2].name", "questions[0].options[1].label") and the server reads rows
// in that order, so every change renumbers them. Without this script the form still works: the
// blank row at the end of each list adds one, and a row whose text is cleared is dropped.
(function () {
  document.documentElement.classList.add("js");
  var blanks = {};
  // The server ends every list with a blank row: keep one of each kind as the pattern to add.
  document.querySelectorAll("[data-rows]").forEach(function (list) {
    var kind = list.getAttribute("data-rows");
    var rows = list.querySelectorAll(":scope > [data-row]");
    if (!blanks[kind] && rows.length) {
      blanks[kind] = rows[rows.length - 1].cloneNode(true);
    }
  });

  function renumber() {
    // Outer lists come first in document order, so a question's options get its new index.
    document.querySelectorAll("[data-rows]").forEach(function (list) {
      var kind = list.getAttribute("data-rows");
      var top = !list.parentElement.closest("[data-rows]");
      var pattern = new RegExp((top ? "^(" : "(\\.") + kind + ")\\[\\d+\\]");
      list.querySelectorAll(":scope > [data-row]").forEach(function (row, i) {
        row.querySelectorAll("[name]").forEach(function (el) {
          el.name = el.name.replace(pattern, "$1[" + i + "]");
        });
        if (top) {
          row.id = "f-" + kind + "-" + i;
        }
        var number = row.querySelector("[data-row-number]");
        if (number) {
          number.textContent = i + 1;
        }
      });
    });
  }

  function add(list) {
    var row = blanks[list.getAttribute("data-rows")].cloneNode(true);
    list.appendChild(row);
    renumber();
    var first = row.querySelector("input:not([type=hidden]), select, textarea");
    if (first) {
      first.focus();
    }
  }

  document.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest("[data-act]");
    if (!button) {
      return;
    }
    var act = button.getAttribute("data-act");
    if (act === "add") {
      add(button.closest(".rowbox").querySelector("[data-rows]"));
      return;
    }
    var row = button.closest("[data-row]");
    var list = row.parentElement;
    if (act === "up" && row.previousElementSibling) {
      list.insertBefore(row, row.previousElementSibling);
    } else if (act === "down" && row.nextElementSibling) {
      list.insertBefore(row.nextElementSibling, row);
    } else if (act === "remove") {
      list.removeChild(row);
      if (!list.querySelector(":scope > [data-row]")) {
        add(list);
      }
    }
    renumber();
    if (act !== "remove") {
      button.focus();
    }
  });
})();
