// Review queue and order/lot pages (templates/review, templates/orders): the e-signature dialog opens as a modal
// when htmx loads it, a refused signature (422) is shown in the dialog instead of being dropped, and a click on a
// frame enlarges it.
(function () {
  "use strict";
  document.addEventListener("htmx:beforeSwap", function (e) {
    // a refused signature answers 422 with the dialog and the error: show it (htmx drops 4xx by default)
    if (e.detail.xhr && e.detail.xhr.status === 422) {
      e.detail.shouldSwap = true;
      e.detail.isError = false;
    }
  });
  var reloadOnClose = false;
  document.body.addEventListener("review-signed", function () {
    reloadOnClose = !document.getElementById("review-items");
  });
  document.addEventListener("htmx:afterSwap", function (e) {
    var slot = e.detail.target;
    if (!slot || slot.id !== "sign-slot") {
      return;
    }
    var dialog = slot.querySelector("dialog");
    if (dialog && !dialog.open) {
      dialog.showModal();
      if (reloadOnClose) {
        // a page without the queue (the lot page) shows the new disposition after a reload
        dialog.addEventListener("close", function () { window.location.reload(); });
      }
      var focus = dialog.querySelector(".error") ? dialog.querySelector("input[type=password]")
        : dialog.querySelector("input[name=disposition]");
      if (focus) {
        focus.focus();
      }
    }
  });
  document.addEventListener("click", function (e) {
    var img = e.target.closest ? e.target.closest("img.zoomable") : null;
    var zoom = document.getElementById("zoom");
    if (img && zoom) {
      zoom.querySelector("img").src = img.src;
      zoom.querySelector("img").alt = img.alt;
      zoom.showModal();
      return;
    }
    if (zoom && e.target === zoom) {
      zoom.close(); // a click on the backdrop closes the enlarged frame
    }
  });
})();
