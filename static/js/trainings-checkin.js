/* The check-in screen of a session (templates/trainings/attendance/checkin.html).
 *
 * Progressive enhancement of forms that work without it:
 * - the search box filters the list as one types (the GET form still works);
 * - a tap on Present / Late / Excused / Absent is sent with fetch and the row is updated in
 *   place, with a confirmation read out by screen readers (aria-live);
 * - "Scan badges" opens the camera and reads badge QR codes (ASLP-BADGE:<token>) with the
 *   browser's BarcodeDetector, or with the vendored jsQR where there is none; each badge is
 *   sent to the scan address, which answers JSON.
 */
(function () {
  "use strict";

  var root = document.getElementById("checkin");
  if (!root || !window.fetch || !window.FormData) {
    return;
  }
  var BADGE_PREFIX = "ASLP-BADGE:";
  var live = document.getElementById("checkin-live");
  var counter = document.getElementById("checkin-counter");
  var texts = root.querySelector("[data-msg-unavailable]").dataset;

  function csrfToken() {
    var input = root.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function announce(message, isError) {
    live.textContent = "";
    live.classList.toggle("checkin__live--error", !!isError);
    // A fresh text node so that the same message twice is read again.
    window.setTimeout(function () {
      live.textContent = message;
    }, 30);
  }

  function updateCounter(data) {
    if (data && data.counter) {
      counter.textContent = data.counter.text;
      counter.dataset.checkedIn = data.counter.checked_in;
      counter.dataset.total = data.counter.total;
    }
  }

  function updateRow(participantId, status, label) {
    var row = document.getElementById("participant-" + participantId);
    if (!row || !status) {
      return;
    }
    row.dataset.status = status;
    row.className = row.className.replace(/\s*checkin__row--\w+/g, "") + " checkin__row--" + status;
    var shown = row.querySelector("[data-status-label]");
    if (shown) {
      shown.textContent = label;
    }
    row.querySelectorAll("button[name=status]").forEach(function (button) {
      if (button.value === status) {
        button.setAttribute("aria-current", "true");
      } else {
        button.removeAttribute("aria-current");
      }
    });
  }

  function post(url, body) {
    body.set("csrfmiddlewaretoken", csrfToken());
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
    }).then(function (response) {
      return response
        .json()
        .catch(function () {
          return { ok: false, message: texts.msgNetwork };
        })
        .then(function (data) {
          data.httpStatus = response.status;
          return data;
        });
    });
  }

  // -- Search as you type ------------------------------------------------------------------
  var search = root.querySelector("[data-search-input]");
  var rows = Array.prototype.slice.call(root.querySelectorAll(".checkin__row"));
  var noMatch = root.querySelector("[data-no-match]");
  if (search) {
    search.addEventListener("input", function () {
      var needle = search.value.trim().toLocaleLowerCase();
      var shown = 0;
      rows.forEach(function (row) {
        var match = !needle || row.dataset.search.indexOf(needle) !== -1;
        row.hidden = !match;
        if (match) {
          shown += 1;
        }
      });
      if (noMatch && rows.length) {
        noMatch.hidden = shown > 0;
      }
    });
  }

  // -- One tap per participant ----------------------------------------------------------------
  root.querySelectorAll("[data-checkin-form]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var submitter = event.submitter;
      if (!submitter || submitter.name !== "status") {
        return; // let the browser send it
      }
      event.preventDefault();
      var body = new FormData(form);
      body.set("status", submitter.value);
      var buttons = form.querySelectorAll("button");
      buttons.forEach(function (button) {
        button.disabled = true;
      });
      post(form.getAttribute("action") || window.location.pathname, body)
        .then(function (data) {
          if (data.ok) {
            updateRow(data.participant, data.status, data.status_label);
            updateCounter(data);
          }
          announce(data.message || texts.msgNetwork, !data.ok);
        })
        .catch(function () {
          announce(texts.msgNetwork, true);
        })
        .then(function () {
          buttons.forEach(function (button) {
            button.disabled = false;
          });
        });
    });
  });

  // -- Badge scanning -------------------------------------------------------------------------
  var camera = root.querySelector("[data-camera]");
  var startButton = root.querySelector("[data-scan-start]");
  var stopButton = root.querySelector("[data-scan-stop]");
  var video = root.querySelector("[data-scan-video]");
  var cameraError = root.querySelector("[data-scan-error]");
  var scanUrl = root.dataset.scanUrl;
  var stream = null;
  var timer = null;
  var lastCode = "";
  var lastAt = 0;
  var busy = false;
  var canvas = null;

  if (!camera) {
    return;
  }
  camera.hidden = false;

  function showCameraError(message) {
    cameraError.textContent = message;
    cameraError.hidden = false;
    var typed = root.querySelector(".checkin__code");
    if (typed) {
      typed.open = true;
    }
    announce(message, true);
  }

  function loadJsQR() {
    if (window.jsQR) {
      return Promise.resolve(window.jsQR);
    }
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = root.dataset.jsqrUrl;
      script.onload = function () {
        if (window.jsQR) {
          resolve(window.jsQR);
        } else {
          reject(new Error("jsQR missing"));
        }
      };
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  function makeDecoder() {
    if ("BarcodeDetector" in window) {
      return window.BarcodeDetector.getSupportedFormats()
        .then(function (formats) {
          if (formats.indexOf("qr_code") === -1) {
            throw new Error("no qr_code");
          }
          var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
          return function () {
            return detector.detect(video).then(function (codes) {
              return codes.length ? codes[0].rawValue : "";
            });
          };
        })
        .catch(jsQRDecoder);
    }
    return jsQRDecoder();
  }

  function jsQRDecoder() {
    return loadJsQR().then(function (jsQR) {
      canvas = canvas || document.createElement("canvas");
      var context = canvas.getContext("2d", { willReadFrequently: true });
      return function () {
        var width = video.videoWidth;
        var height = video.videoHeight;
        if (!width || !height) {
          return Promise.resolve("");
        }
        canvas.width = width;
        canvas.height = height;
        context.drawImage(video, 0, 0, width, height);
        var found = jsQR(context.getImageData(0, 0, width, height).data, width, height, {
          inversionAttempts: "dontInvert",
        });
        return Promise.resolve(found ? found.data : "");
      };
    });
  }

  function send(code) {
    busy = true;
    var body = new FormData();
    body.set("code", code);
    return post(scanUrl, body)
      .then(function (data) {
        if (data.ok) {
          updateRow(data.participant, data.status, data.status_label);
        }
        updateCounter(data);
        announce(data.message || texts.msgNetwork, !data.ok);
      })
      .catch(function () {
        announce(texts.msgNetwork, true);
      })
      .then(function () {
        busy = false;
      });
  }

  function loop(decode) {
    timer = window.setTimeout(function () {
      if (!stream) {
        return;
      }
      if (busy || video.readyState < 2) {
        loop(decode);
        return;
      }
      decode()
        .then(function (text) {
          var now = Date.now();
          if (text && (text !== lastCode || now - lastAt > 4000)) {
            lastCode = text;
            lastAt = now;
            if (text.indexOf(BADGE_PREFIX) === 0) {
              return send(text);
            }
            announce(texts.msgNotBadge, true);
          }
          return null;
        })
        .catch(function () {
          return null;
        })
        .then(function () {
          loop(decode);
        });
    }, 250);
  }

  function stop() {
    if (timer) {
      window.clearTimeout(timer);
      timer = null;
    }
    if (stream) {
      stream.getTracks().forEach(function (track) {
        track.stop();
      });
      stream = null;
    }
    video.hidden = true;
    stopButton.hidden = true;
    startButton.hidden = false;
  }

  startButton.addEventListener("click", function () {
    cameraError.hidden = true;
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      showCameraError(texts.msgUnavailable);
      return;
    }
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (opened) {
        stream = opened;
        video.srcObject = stream;
        video.hidden = false;
        startButton.hidden = true;
        stopButton.hidden = false;
        stopButton.focus();
        return video.play().then(function () {
          announce(texts.msgScanning, false);
          return makeDecoder();
        });
      })
      .then(function (decode) {
        if (decode && stream) {
          loop(decode);
        }
      })
      .catch(function (error) {
        var refused = error && (error.name === "NotAllowedError" || error.name === "SecurityError");
        stop();
        showCameraError(refused ? texts.msgRefused : texts.msgFailed);
      });
  });
  stopButton.addEventListener("click", stop);
  window.addEventListener("pagehide", stop);
})();
