// The only script: buttons marked data-print open the browser's print dialog. Without it the
// pages work the same, printed from the browser's menu.
document.addEventListener("click", function (e) {
  if (e.target.closest && e.target.closest("[data-print]")) {
    window.print();
  }
});
