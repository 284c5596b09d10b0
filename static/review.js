// The review page from the keyboard: j and k go to the next and previous requirement,
// n to the next one without a verdict (each row's "Next without verdict" link does the
// same without this script). Keys typed into a field are left alone.
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll("section.requirement[id]"));
  if (!rows.length) { return; }

  // The row at the top of the window (-1 above the first one).
  function current() {
    var index = -1;
    rows.forEach(function (row, i) {
      if (row.getBoundingClientRect().top <= 80) { index = i; }
    });
    return index;
  }

  function go(row) {
    if (!row.hasAttribute("tabindex")) { row.setAttribute("tabindex", "-1"); }
    row.scrollIntoView({ block: "start" });
    row.focus({ preventScroll: true });
    if (history.replaceState) { history.replaceState(null, "", "#" + row.id); }
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey ||
        /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(target.tagName) || target.isContentEditable) {
      return;
    }
    var here = current();
    if (event.key === "j" && here + 1 < rows.length) {
      go(rows[here + 1]);
    } else if (event.key === "k" && here > 0) {
      go(rows[here - 1]);
    } else if (event.key === "n" && here >= 0) {
      var link = rows[here].querySelector("a.next-missing");
      if (link) { window.location.href = link.href; }
    } else {
      return;
    }
    event.preventDefault();
  });
}());
