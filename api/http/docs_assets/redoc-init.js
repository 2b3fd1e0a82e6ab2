// Starts ReDoc on the page's #redoc element: the OpenAPI document's address is the element's data-url.
// A file of its own (no inline script), so the page holds under default-src 'self'.
(function () {
  "use strict";
  var element = document.getElementById("redoc");
  Redoc.init(element.getAttribute("data-url"), { hideDownloadButton: false, disableSearch: true }, element);
})();
