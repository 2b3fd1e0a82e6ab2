// kaoping's pages work without this file; it only moves focus where a keyboard or screen-reader user
// needs it: to the error summary after a rejected form, and to a field when its summary link is used.
(function () {
  "use strict";
  function ready() {
    var summary = document.querySelector("[data-focus]");
    if (summary) { summary.focus(); }
    var links = document.querySelectorAll(".error-summary a[href^='#']");
    Array.prototype.forEach.call(links, function (link) {
      link.addEventListener("click", function (event) {
        var target = document.getElementById(link.getAttribute("href").slice(1));
        if (!target) { return; }
        event.preventDefault();
        var field = target.matches("input, select, textarea, fieldset") ? target : target.querySelector("input, select, textarea");
        (field || target).scrollIntoView({ block: "center" });
        (field || target).focus();
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
