// Save one answer (or one verdict) in place, without leaving the page, and bring the
// page's counters along. Without this script the same forms post normally and come back
// to the same requirement. A row that adds or takes off files, or goes to the library,
// posts normally too: its answer is saved in the same request.
(function () {
  "use strict";

  function setText(selector, text) {
    var element = document.querySelector(selector);
    if (element && text !== undefined) { element.textContent = text; }
  }

  function followProgress(data) {
    var bar = document.getElementById("overall-progress");
    if (bar && data.percent !== undefined) { bar.value = data.percent; }
    setText("#progress-line .percent", data.percent !== undefined ? data.percent + " %" : undefined);
    setText("#progress-line .answered", data.line);
    if (data.chapter) {
      setText(".toc .count[data-chapter='" + data.chapter.id + "']", data.chapter.count);
    }
  }

  function markRow(form, data) {
    var section = form.closest("section");
    section.classList.remove("refused");
    section.className = section.className.replace(/\bstatus-\S+/g, "").trim();
    section.classList.toggle("answered", !!data.answered);
    if (data.answered && data.status) { section.classList.add("status-" + data.status); }
    section.querySelectorAll(".badge-confirm, .confirm-pick").forEach(function (element) {
      if (data.answered) { element.remove(); }
    });
  }

  function postsItself(form, submitter) {
    if (!window.fetch || !window.FormData) { return false; }
    if (submitter && submitter.name === "do" && submitter.value !== "save") { return false; }
    var files = form.querySelector("input[type=file]");
    if (files && files.files && files.files.length) { return false; }
    return !form.querySelector("input[name=unlink]:checked");
  }

  document.querySelectorAll("form.answer-form, form.verdict-form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!postsItself(form, event.submitter)) { return; }
      event.preventDefault();
      var output = form.querySelector("output.saved");
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      fetch(form.action, {
        method: "POST", body: new FormData(form), credentials: "same-origin",
        headers: { "Accept": "application/json" }
      }).then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      }).then(function (result) {
        output.textContent = result.data.message || "";
        output.classList.toggle("error", !result.ok);
        output.setAttribute("role", result.ok ? "status" : "alert");
        form.querySelectorAll(".has-error").forEach(function (field) {
          field.classList.remove("has-error");
        });
        if (!result.ok) {
          var field = result.data.field && form.querySelector("[name=" + result.data.field + "]");
          if (field) {
            (field.closest(".field, fieldset") || field).classList.add("has-error");
            field.focus();
          }
          return;
        }
        var revision = form.querySelector("input[name=revision]");
        if (!revision) {
          revision = document.createElement("input");
          revision.type = "hidden";
          revision.name = "revision";
          form.appendChild(revision);
        }
        revision.value = result.data.revision;
        followProgress(result.data);
        if (form.classList.contains("answer-form")) {
          markRow(form, result.data);
        } else {
          form.closest("section").classList.add("answered");
        }
      }).catch(function () {
        form.submit();  // the network or the script failed: fall back to a normal post
      }).finally(function () { button.disabled = false; });
    });
  });
})();
