// The review page's only script: read an uploaded file into the text box, and link each
// highlighted mark to its finding (and back). Everything else is rendered by the server.
"use strict";
(function () {
  var file = document.getElementById("file");
  var body = document.getElementById("body");
  if (file && body && window.FileReader) {
    file.addEventListener("change", function () {
      var chosen = file.files && file.files[0];
      if (!chosen) return;
      var reader = new FileReader();
      reader.onload = function () { body.value = String(reader.result); };
      reader.readAsText(chosen, "utf-8");
    });
  }

  function activate(numbers) {
    document.querySelectorAll(".active").forEach(function (el) { el.classList.remove("active"); });
    numbers.forEach(function (n) {
      var card = document.getElementById("finding-" + n);
      if (card) card.classList.add("active");
      document.querySelectorAll("mark[data-findings]").forEach(function (mark) {
        if (mark.dataset.findings.split(" ").indexOf(String(n)) >= 0) mark.classList.add("active");
      });
    });
  }

  document.querySelectorAll("mark[data-findings]").forEach(function (mark) {
    mark.addEventListener("click", function () {
      var numbers = mark.dataset.findings.split(" ");
      activate(numbers);
      var card = document.getElementById("finding-" + numbers[0]);
      if (card) card.scrollIntoView({ behavior: "smooth", block: "nearest" });
    });
  });
  document.querySelectorAll("li.finding").forEach(function (card) {
    card.addEventListener("click", function () { activate([card.dataset.number]); });
  });
})();
