// The kiosk's idle reset (web/page_kiosk.c). The form works without it;
// with it, a form nobody has touched for the kiosk link's idle minutes
// asks "Are you still there?" and, unless someone answers within 30
// seconds, is replaced by a blank one. Nothing typed is sent anywhere:
// the half-finished form is simply dropped. Served from the service itself
// (the pages allow script from 'self' only, never inline).
(function () {
  'use strict';
  var body = document.body;
  var idle = parseInt(body.getAttribute('data-idle-seconds'), 10);
  var reset = body.getAttribute('data-reset');
  var warning = document.getElementById('still-there');
  var keep = document.getElementById('still-there-keep');
  var count = document.getElementById('still-there-seconds');
  var GRACE = 30;
  var timer = null;
  var tick = null;
  var left = GRACE;

  if (!idle || !reset || !warning || !keep || !count) return;

  function blank() {
    window.location.replace(reset);
  }

  function warn() {
    left = GRACE;
    count.textContent = String(left);
    warning.hidden = false;
    keep.focus();
    tick = window.setInterval(function () {
      left -= 1;
      if (left <= 0) {
        window.clearInterval(tick);
        blank();
        return;
      }
      // Said again only every 10 seconds, so a screen reader is not flooded.
      if (left % 10 === 0) count.textContent = String(left);
    }, 1000);
  }

  function active() {
    if (!warning.hidden) return;
    window.clearTimeout(timer);
    timer = window.setTimeout(warn, idle * 1000);
  }

  keep.addEventListener('click', function () {
    window.clearInterval(tick);
    warning.hidden = true;
    active();
  });
  ['input', 'change', 'keydown', 'pointerdown', 'touchstart', 'scroll'].forEach(function (ev) {
    document.addEventListener(ev, active, { passive: true, capture: true });
  });
  active();
})();
