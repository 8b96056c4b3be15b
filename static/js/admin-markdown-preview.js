/* The change form's Markdown preview follows the text as it is typed.
 *
 * Progressive enhancement: without this script the preview shows the text last saved. With
 * it, the text is sent to the admin's own preview address, which renders it with the code of
 * the public pages (pages/markdown.py, sanitised), and the answer replaces the preview.
 */
document.addEventListener("DOMContentLoaded", () => {
  "use strict";
  // Loaded in the head, with the admin's other scripts: the form exists only from here on.
  const csrf = document.querySelector("input[name=csrfmiddlewaretoken]");
  document.querySelectorAll(".markdown-preview[data-source][data-url]").forEach((preview) => {
    const source = document.getElementById(preview.dataset.source);
    if (!source || !csrf) return;
    let timer = null;
    let sent = 0;
    const refresh = () => {
      const body = new FormData();
      body.append("text", source.value);
      body.append("csrfmiddlewaretoken", csrf.value);
      const number = ++sent;
      fetch(preview.dataset.url, { method: "POST", body, credentials: "same-origin" })
        .then((response) => (response.ok ? response.text() : Promise.reject(response.status)))
        .then((html) => {
          if (number === sent) preview.innerHTML = html;  // an older answer never wins
        })
        .catch(() => {});  // the preview keeps what it showed; saving still works
    };
    source.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(refresh, 300);
    });
  });
});
