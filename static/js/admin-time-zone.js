// Times in the admin are entered and shown in its time zone (IOM headquarters), and each form
// with times says so once. Django's "You are N hours ahead of server time" note under every
// date and time field is left out; its "Now" and "Today" still give headquarters' time.
"use strict";
if (window.DateTimeShortcuts) {
  window.DateTimeShortcuts.addTimezoneWarning = function () {};
}
