// The only script. Every page works without it; it saves keystrokes and space:
// - buttons marked data-print open the browser's print dialog;
// - in a form marked data-enter-moves, Enter goes to the next field instead of sending half a
//   form (the browser would press the first button: 即办 or 受理); on a button it still presses;
// - checklist rows marked data-when show (ticked) or hide (unticked) as their question is
//   answered;
// - table cells get their column's heading as data-label, which narrow screens show beside
//   each value when a table is laid out as cards (app.css).
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
