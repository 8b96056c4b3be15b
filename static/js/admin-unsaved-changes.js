/* Leaving a change form with unsaved changes asks first.
 *
 * Progressive enhancement: without this script the form works as before. The form's values
 * are noted once the page has loaded; leaving (a link, closing the tab) while they differ
 * makes the browser ask, and saving never does.
 */
(() => {
  "use strict";
  const form = document.querySelector("body.change-form #content-main form[method=post]");
  if (!form) return;
  const state = () =>
    Array.from(form.elements)
      .filter((field) => field.name && field.name !== "csrfmiddlewaretoken")
      .map((field) => {
        if (field.type === "file") return Array.from(field.files, (file) => file.name).join("/");
        if (field.type === "checkbox" || field.type === "radio") return field.checked;
        if (field.type === "submit" || field.type === "button") return "";
        return field.value;
      })
      .join("\u0000");
  let saved = null;
  let submitting = false;
  window.addEventListener("load", () => {
    saved = state();
  });
  form.addEventListener("submit", () => {
    submitting = true;
  });
  window.addEventListener("beforeunload", (event) => {
    if (submitting || saved === null || state() === saved) return;
    event.preventDefault();
    event.returnValue = "";  // older browsers ask only when this is set
  });
})();
