// The only script. Every page works without it; it saves keystrokes and space:
// - buttons marked data-print open the browser's print dialog;
// - in a form marked data-enter-moves, Enter goes to the next field instead of sending half a
//   form (the browser would press the first button: 即办 or 受理); on a button it still presses;
// - checklist rows marked data-when show (ticked) or hide (unticked) as their question is
//   answered;
// - table cells get their column's heading as data-label, which narrow screens show beside
//   each value when a table is laid out as cards (app.css);
// - the catalogue editor's row lists get add, remove and move buttons.
document.addEventListener("click", function (e) {
  if (e.target.closest && e.target.closest("[data-print]")) {
    window.print();
  }
});

document.addEventListener("keydown", function (e) {
  if (e.key !== "Enter" || e.isComposing || e.shiftKey || e.ctrlKey || e.altKey || e.metaKey) return;
  var field = e.target;
  var form = field.form;
  if (!form || !form.hasAttribute("data-enter-moves")) return;
  if (field.tagName === "TEXTAREA" || field.tagName === "BUTTON") return;
  e.preventDefault();
  var fields = Array.prototype.filter.call(form.elements, function (el) {
    return el.type !== "hidden" && !el.disabled && el.offsetParent !== null;
  });
  var next = fields[fields.indexOf(field) + 1];
  if (next) next.focus();
});

function applyConditions(form) {
  var rows = form.querySelectorAll("tr[data-when]");
  Array.prototype.forEach.call(rows, function (row) {
    var question = form.elements[row.getAttribute("data-when")];
    if (!question || !question.value) return;
    var applies = row.getAttribute("data-any-of").split(" ").indexOf(question.value) >= 0;
    row.hidden = !applies;
    var box = row.querySelector("input[type=checkbox]");
    if (box) box.checked = applies;
  });
}

document.addEventListener("change", function (e) {
  if (e.target.form && e.target.name && e.target.name.indexOf("q.") === 0) {
    applyConditions(e.target.form);
  }
});

document.addEventListener("DOMContentLoaded", function () {
  Array.prototype.forEach.call(document.querySelectorAll("main table"), function (table) {
    var heads = table.querySelectorAll("thead th");
    if (!heads.length) return;
    Array.prototype.forEach.call(table.querySelectorAll("tbody tr"), function (tr) {
      Array.prototype.forEach.call(tr.children, function (cell, i) {
        var label = heads[i] && heads[i].textContent.trim();
        if (label && !cell.hasAttribute("colspan")) cell.setAttribute("data-label", label);
      });
    });
  });
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
