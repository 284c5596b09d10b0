// Save one answer (or one verdict) in place, without leaving the page. Without this
// script the same forms post normally and come back to the same requirement.
(function () {
  "use strict";
  document.querySelectorAll("form.answer-form, form.verdict-form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.fetch) { return; }
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
        if (result.ok) {
          var revision = form.querySelector("input[name=revision]");
          if (!revision) {
            revision = document.createElement("input");
            revision.type = "hidden";
            revision.name = "revision";
            form.appendChild(revision);
          }
          revision.value = result.data.revision;
          var bar = document.getElementById("overall-progress");
          if (bar && result.data.percent !== undefined) { bar.value = result.data.percent; }
          form.closest("section").classList.add("answered");
        }
      }).catch(function () {
        form.submit();  // the network or the script failed: fall back to a normal post
      }).finally(function () { button.disabled = false; });
    });
  });
})();
