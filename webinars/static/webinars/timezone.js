/* Guess the visitor's time zone from the browser and keep it in the "tz" cookie, so that the next page shows
   webinar times in it (the server checks the name and only uses it to show times). When the page was written
   in another zone, offer to show it again in hers: no automatic reload, a 2G connection pays for every page. */
(function () {
  "use strict";
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (error) {
    return;
  }
  if (!zone || !/^[A-Za-z0-9_+\-\/]{1,64}$/.test(zone)) {
    return;
  }
  var saved = document.cookie.match(/(?:^|;\s*)tz=([^;]*)/);
  if (!saved || saved[1] !== zone) {
    document.cookie = "tz=" + zone + "; path=/; max-age=31536000; SameSite=Lax";
  }
  var offer = document.getElementById("tz-offer");
  if (offer && offer.getAttribute("data-zone") !== zone) {
    offer.hidden = false;
  }
})();
