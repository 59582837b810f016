/* Quiz attempt timer: counts down the time the server computed, warns screen-reader users once at one minute,
   and about 3 seconds before the deadline submits the form (the attempt page saves the answers and submits the
   attempt; the summary page submits it). Progressive enhancement only: without it the server closes the
   attempt at its deadline and grades what was saved. Plain ES5 for old phone browsers. */
(function () {
  "use strict";
  var timer = document.querySelector("[data-attempt-timer]");
  if (!timer || !document.getElementById) {
    return;
  }
  var remaining = parseInt(timer.getAttribute("data-remaining"), 10);
  var clock = timer.querySelector("[data-timer-clock]");
  var warning = timer.querySelector("[data-timer-warning]");
  var form = document.getElementById(timer.getAttribute("data-form"));
  if (isNaN(remaining) || !clock) {
    return;
  }
  var SUBMIT_BEFORE = 3; // seconds: leave time for the request to arrive before the deadline
  var ends = new Date().getTime() + remaining * 1000;
  var warned = remaining <= 60;
  var submitted = false;

  function pad(number) {
    return number < 10 ? "0" + number : String(number);
  }

  function format(seconds) {
    var hours = Math.floor(seconds / 3600);
    var minutes = Math.floor((seconds % 3600) / 60);
    var rest = seconds % 60;
    return hours ? hours + ":" + pad(minutes) + ":" + pad(rest) : minutes + ":" + pad(rest);
  }

  function hidden(name, value) {
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    form.appendChild(input);
  }

  function submit() {
    submitted = true;
    if (!form) {
      return;
    }
    if (form.id === "attempt-form") {
      hidden("action", "finish");
    }
    hidden("timeup", "1");
    // The prototype's submit: a field named "submit" cannot shadow it, and no button value is added.
    HTMLFormElement.prototype.submit.call(form);
  }

  function tick() {
    var left = Math.max(0, Math.round((ends - new Date().getTime()) / 1000));
    clock.textContent = format(left);
    if (!warned && left <= 60) {
      warned = true;
      if (warning) {
        warning.textContent = warning.getAttribute("data-text");
      }
    }
    if (!submitted && left <= SUBMIT_BEFORE) {
      submit();
      return;
    }
    window.setTimeout(tick, 1000);
  }

  if (form && form.addEventListener) {
    // She submitted it herself: her request is on its way, do not send a second one.
    form.addEventListener("submit", function () {
      submitted = true;
    });
  }
  tick();
})();
