// Copy buttons of the copy-able code component (templates/includes/ds/copy_code.html): progressive
// enhancement, the code stays selectable text without JavaScript.
document.querySelectorAll("button[data-copy]").forEach(function (button) {
  if (!navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    var code = document.getElementById(button.dataset.copy).textContent.replace(/\s+/g, "");
    navigator.clipboard.writeText(code).then(function () {
      var label = button.textContent;
      button.textContent = button.dataset.copied;
      setTimeout(function () { button.textContent = label; }, 2000);
    });
  });
});
