// The enquiry form works without this file. With it, the message box shows how many
// characters are left, and the summary of errors takes the focus when the form comes back.
(function () {
  "use strict";

  function addCounter(field) {
    var max = parseInt(field.getAttribute("maxlength"), 10);
    if (!max) {
      return;
    }
    var one = field.getAttribute("data-counter-one");
    var other = field.getAttribute("data-counter-other");
    // What is seen changes with every key; what a screen reader says waits for a pause.
    var seen = document.createElement("p");
    seen.className = "field__counter";
    seen.setAttribute("aria-hidden", "true");
    var spoken = document.createElement("p");
    spoken.className = "visually-hidden";
    spoken.setAttribute("aria-live", "polite");
    field.insertAdjacentElement("afterend", spoken);
    field.insertAdjacentElement("afterend", seen);

    function remaining() {
      var left = Math.max(max - field.value.length, 0);
      return left === 1 ? one : other.replace("{count}", left.toLocaleString(document.documentElement.lang || undefined));
    }

    var pause;
    field.addEventListener("input", function () {
      seen.textContent = remaining();
      window.clearTimeout(pause);
      pause = window.setTimeout(function () {
        spoken.textContent = remaining();
      }, 1000);
    });
    seen.textContent = remaining();
  }

  function start() {
    var fields = document.querySelectorAll("textarea[data-counter-other]");
    for (var i = 0; i < fields.length; i++) {
      addCounter(fields[i]);
    }
    var summary = document.getElementById("error-summary");
    if (summary) {
      summary.focus();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
