// The event page says when an event is in its own time zone and in UTC without this file.
// With it, the note also gives the times in the visitor's own time zone.
(function () {
  "use strict";

  var notes = document.querySelectorAll("[data-local-time]");
  if (!notes.length || !window.Intl || !Intl.DateTimeFormat) {
    return;
  }
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  var language = document.documentElement.lang || undefined;
  Array.prototype.forEach.call(notes, function (note) {
    // The note already gives the event's own zone and UTC.
    if (!zone || zone === note.getAttribute("data-zone") || /^(Etc\/)?UTC$/.test(zone)) {
      return;
    }
    var start = new Date(note.getAttribute("data-start"));
    var endValue = note.getAttribute("data-end");
    var hours = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
    var day = Object.assign({ weekday: "short", day: "numeric", month: "long" }, hours);
    var text = new Intl.DateTimeFormat(language, day).format(start);
    if (endValue) {
      var end = new Date(endValue);
      var sameDay = start.toDateString() === end.toDateString();
      text += "–" + new Intl.DateTimeFormat(language, sameDay ? hours : day).format(end);
    }
    var local = document.createElement("span");
    local.className = "event-facts__local";
    local.textContent = " " + note.getAttribute("data-label") + " " + text + " (" + zone.replace(/_/g, " ") + ").";
    note.appendChild(local);
  });
})();
