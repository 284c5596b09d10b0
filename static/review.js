// The review page from the keyboard: j and k go to the next and previous requirement,
// n to the next one without a verdict (each row's "Next without verdict" link does the
// same without this script). Keys typed into a field are left alone.
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll("section.review-row"));
  if (!rows.length) { return; }

  function current() {
    var top = window.scrollY + 80;
    var index = 0;
    rows.forEach(function (row, i) { if (row.offsetTop <= top) { index = i; } });
    return index;
  }

  function go(row) {
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
    } else if (event.key === "n") {
      var link = rows[here].querySelector("a.next-missing");
      if (link) { window.location.href = link.href; }
    } else {
      return;
    }
    event.preventDefault();
  });
}());
