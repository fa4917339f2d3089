// Vision Hub web app: htmx settings shared by every page (served from the jar, no build step).
(function () {
  "use strict";

  // CSRF: every non-GET request htmx makes carries the session's token in the header Spring Security reads
  document.addEventListener("htmx:configRequest", function (evt) {
    var token = document.querySelector('meta[name="_csrf"]');
    var header = document.querySelector('meta[name="_csrf_header"]');
    if (token && header && evt.detail.verb !== "get") {
      evt.detail.headers[header.content] = token.content;
    }
  });

  var reloading = false;
  function reloadSoon() {
    if (!reloading) {
      reloading = true;
      setTimeout(function () { window.location.reload(); }, 500);
    }
  }

  // Whether the live stream is connected (the page shows it; tests and benchmarks wait for it)
  // Three failed connections in a row (the hub restarted, or the session ended: the stream answers 401): reload,
  // which shows the login page when the session is gone
  var sseErrors = 0;
  document.addEventListener("htmx:sseOpen", function () {
    sseErrors = 0;
    document.body.setAttribute("data-live", "open");
  });
  document.addEventListener("htmx:sseError", function () {
    document.body.setAttribute("data-live", "error");
    if (++sseErrors >= 3) {
      reloadSoon();
    }
  });

  // The live stream tells a browser that fell behind to reload (state event "reload")
  document.addEventListener("htmx:sseBeforeMessage", function (evt) {
    var msg = evt.detail;
    if (msg && msg.type === "state" && msg.data === "reload") {
      evt.preventDefault();
      reloadSoon();
    }
  });

  // A result of a station the page does not show yet (a new camera): reload to get its panel
  document.addEventListener("htmx:oobErrorNoTarget", function (evt) {
    var id = evt.detail && evt.detail.content && evt.detail.content.id;
    if (id && id.indexOf("latest-") === 0) {
      reloadSoon();
    }
  });

  // Result lists keep the configured number of rows; each new result records how long it took to reach the screen
  window.visionHub = { latencies: [] };
  document.addEventListener("htmx:sseMessage", function (evt) {
    if (!evt.detail || evt.detail.type !== "inspection") {
      return;
    }
    document.querySelectorAll("ol.results").forEach(function (ol) {
      var max = parseInt(ol.getAttribute("data-max") || "20", 10);
      while (ol.children.length > max) {
        ol.removeChild(ol.lastElementChild);
      }
    });
    // each new row's capture time (epoch ms, from the event itself): capture → recorded → on this screen
    var now = Date.now(), re = /data-row-capture="(\d+)"/g, m, lat = window.visionHub.latencies;
    while ((m = re.exec(evt.detail.data || "")) !== null) {
      lat.push(now - parseInt(m[1], 10));
    }
    if (lat.length > 100000) { lat.splice(0, lat.length - 100000); }
  });
})();
