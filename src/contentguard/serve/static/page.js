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

  // The review trail (when the server has one): submit the checked post, approve or send back a stage.
  var message = document.getElementById("review-message");
  function say(text, isError) {
    if (!message) return;
    message.textContent = text;
    message.className = isError ? "error" : "";
  }
  function postJson(url, payload) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json" }, body: JSON.stringify(payload)
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    });
  }
  var STATES = { pending: "待审", approved: "已通过", rejected: "已退回", "changes-requested": "待修改" };
  function value(id) { var el = document.getElementById(id); return el ? el.value.trim() : ""; }

  var submitButton = document.getElementById("submit-button");
  if (submitButton) {
    submitButton.addEventListener("click", function () {
      if (!value("author")) { say("请填写作者", true); return; }
      var doc = { body: document.getElementById("body").value, kind: value("kind") };
      if (value("title")) doc.title = value("title");
      if (value("platform")) doc.platform = value("platform");
      if (value("submission-id")) doc.id = value("submission-id");
      postJson("/v1/review/submissions", { document: doc, author: value("author") }).then(function (r) {
        if (!r.ok) { say("提交失败：" + r.body.error.message, true); return; }
        window.location.href = "/?submitted=" + encodeURIComponent(r.body.id);
      });
    });
  }

  document.querySelectorAll("tr.queue-item").forEach(function (row) {
    function decide(decision) {
      var reviewer = value("reviewer");
      if (!reviewer) { say("请填写审核人", true); return; }
      var payload = { stage: row.dataset.stage, reviewer: reviewer, decision: decision,
                      comment: row.querySelector("input.comment").value.trim() };
      if (value("role")) payload.role = value("role");
      postJson("/v1/review/submissions/" + encodeURIComponent(row.dataset.id) + "/decisions", payload)
        .then(function (r) {
          if (!r.ok) { say("未能记录：" + r.body.error.message, true); return; }
          var s = r.body;
          say(s.id + "：" + (decision === "approve" ? "已通过" : "已退回") + row.dataset.stage +
              (s.next_stage && s.state === "pending" ? "，下一环节 " + s.next_stage : "，" + (STATES[s.state] || s.state)));
          row.dataset.stage = s.next_stage || "";
          row.querySelector(".stage").textContent = s.state === "pending" ? (s.next_stage || "—") : (STATES[s.state] || s.state);
          if (s.state !== "pending") row.classList.add("done");
        });
    }
    row.querySelector("button.approve").addEventListener("click", function () { decide("approve"); });
    row.querySelector("button.reject").addEventListener("click", function () { decide("reject"); });
  });
})();
