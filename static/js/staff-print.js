/* A "Print" button where the page has one (marked data-print): shown only with this script,
 * since without it the browser's own Print command does the same. */
document.addEventListener("DOMContentLoaded", () => {
  "use strict";
  document.querySelectorAll("button[data-print]").forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  });
});
