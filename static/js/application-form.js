/*
 * The application form, enhanced (it works without this script: "Save draft" and "Submit" post
 * the whole form, files included).
 *
 * - Word count of the motivation essay against the cohort's limit, announced politely.
 * - Autosave: a few seconds after typing stops, and when the page is hidden, the text and
 *   choices (not files) are posted to the autosave URL; "Saved at hh:mm" shows the result.
 * - Files are uploaded as soon as they are chosen, with progress and the server's verdict.
 * - Nothing typed is lost when the session ends: every change is also kept in localStorage
 *   (one key per person and cohort). When a save is answered by the sign-in page or a 401/403
 *   the person is asked to sign in again; back on the form, a copy newer than the server's
 *   version is put back into the form, saved, and the person is told. The copy is removed once
 *   the server has the same values.
 *
 * Every text shown comes from data-msg-* attributes, translated by the server.
 */
(function () {
  "use strict";

  var AUTOSAVE_DELAY = 2500;

  function removeCopy(key) {
    try {
      window.localStorage.removeItem(key);
    } catch (error) {
      /* storage unavailable: nothing to remove */
    }
  }

  // After a successful save or submit the server marks the page: the browser copy can go.
  Array.prototype.forEach.call(
    document.querySelectorAll("[data-application-clear-local]"),
    function (node) {
      removeCopy(node.getAttribute("data-application-clear-local"));
    }
  );

  var form = document.getElementById("application-form");
  if (!form) {
    return;
  }

  var data = form.dataset;
  var storageKey = data.storageKey;
  var statusNode = document.getElementById("autosave-status");
  var sessionBox = document.getElementById("apply-session");
  var restoredBox = document.getElementById("apply-restored");
  var closedBox = document.getElementById("apply-closed");
  var essay = form.querySelector("[data-word-limit]");
  var counter = document.getElementById("essay-count");
  var lang = document.documentElement.lang || "en";

  var serverUpdated = data.updatedAt || "";
  var submittedVersion = data.status === "submitted";
  var timer = null;
  var saving = false;
  var again = false;
  var submitting = false;
  var closed = false;
  var sessionLost = false;

  function fill(template, values) {
    return (template || "").replace(/\{(\w+)\}/g, function (match, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : match;
    });
  }

  function setStatus(text, state) {
    if (statusNode) {
      statusNode.textContent = text;
      statusNode.setAttribute("data-state", state);
    }
  }

  function clockTime(iso) {
    var date = iso ? new Date(iso) : new Date();
    try {
      return new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit" }).format(date);
    } catch (error) {
      return date.toTimeString().slice(0, 5);
    }
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) {
      return decodeURIComponent(match[1]);
    }
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // -- The values of the form ------------------------------------------------------------------

  function inputs() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return (
        el.name &&
        !el.disabled &&
        el.name !== "csrfmiddlewaretoken" &&
        el.name !== "action" &&
        ["file", "submit", "button", "reset"].indexOf(el.type) === -1
      );
    });
  }

  function collect() {
    var values = {};
    inputs().forEach(function (el) {
      if (el.type === "radio") {
        if (!(el.name in values)) {
          values[el.name] = "";
        }
        if (el.checked) {
          values[el.name] = el.value;
        }
      } else if (el.type === "checkbox") {
        if (!Array.isArray(values[el.name])) {
          values[el.name] = [];
        }
        if (el.checked) {
          values[el.name].push(el.value);
        }
      } else {
        values[el.name] = el.value;
      }
    });
    return values;
  }

  function restore(values) {
    inputs().forEach(function (el) {
      if (!Object.prototype.hasOwnProperty.call(values, el.name)) {
        return;
      }
      var value = values[el.name];
      if (el.type === "radio") {
        el.checked = el.value === value;
      } else if (el.type === "checkbox") {
        el.checked = Array.isArray(value) && value.indexOf(el.value) !== -1;
      } else {
        el.value = value;
      }
    });
  }

  function formBody() {
    var body = new FormData();
    inputs().forEach(function (el) {
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) {
        return;
      }
      body.append(el.name, el.value);
    });
    body.append("csrfmiddlewaretoken", csrfToken());
    return body;
  }

  function same(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }

  // -- The browser's copy ----------------------------------------------------------------------

  function readCopy() {
    try {
      return JSON.parse(window.localStorage.getItem(storageKey) || "null");
    } catch (error) {
      return null;
    }
  }

  function keepCopy() {
    try {
      window.localStorage.setItem(
        storageKey,
        JSON.stringify({ at: Date.now(), base: serverUpdated, values: collect() })
      );
    } catch (error) {
      /* private mode or full storage: the server copy is all there is */
    }
  }

  // -- Word count ------------------------------------------------------------------------------

  function countWords() {
    if (!essay || !counter) {
      return;
    }
    var text = essay.value.trim();
    var count = text ? text.split(/\s+/).length : 0;
    var limit = parseInt(essay.getAttribute("data-word-limit"), 10);
    var over = count > limit;
    counter.textContent = fill(over ? data.msgWordsOver : data.msgWords, {
      count: count,
      limit: limit,
      over: count - limit,
    });
    counter.setAttribute("data-count", String(count));
    counter.classList.toggle("word-count--over", over);
  }

  // -- Autosave --------------------------------------------------------------------------------

  function showSessionLost() {
    sessionLost = true;
    keepCopy();
    if (sessionBox) {
      sessionBox.hidden = false;
    }
    setStatus(data.msgNotSaved, "session-lost");
  }

  function showClosed(message) {
    closed = true;
    if (closedBox) {
      closedBox.textContent = message;
      closedBox.hidden = false;
    }
    setStatus(data.msgNotSaved, "closed");
  }

  function fieldLabel(name) {
    var label = form.querySelector('label[for="id_' + name + '"]');
    var legend = document.querySelector("#id_" + name + "_group legend");
    var node = label || legend;
    return node ? node.firstChild.textContent.trim() : name;
  }

  function handleSaved(body, sent) {
    serverUpdated = body.updated_at || serverUpdated;
    form.setAttribute("data-updated-at", serverUpdated);
    if (sessionLost && sessionBox) {
      sessionBox.hidden = true;
    }
    sessionLost = false;
    var problems = Object.keys(body.errors || {});
    if (problems.length) {
      setStatus(
        fill(data.msgSavedPartly, {
          time: clockTime(body.saved_at),
          fields: problems.map(fieldLabel).join(", "),
        }),
        "saved-partly"
      );
    } else {
      setStatus(fill(data.msgSaved, { time: clockTime(body.saved_at) }), "saved");
    }
    if (same(sent, collect()) && !problems.length) {
      removeCopy(storageKey);
    } else {
      keepCopy();
    }
  }

  function save(options) {
    options = options || {};
    if (closed || submittedVersion || submitting) {
      return;
    }
    if (saving) {
      again = true;
      return;
    }
    saving = true;
    var sent = collect();
    setStatus(data.msgSaving, "saving");
    var request = fetch(data.autosaveUrl, {
      method: "POST",
      body: formBody(),
      credentials: "same-origin",
      redirect: "manual",
      keepalive: Boolean(options.keepalive),
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
    });
    request
      .then(function (response) {
        var type = response.headers.get("content-type") || "";
        if (response.type === "opaqueredirect" || response.status === 401) {
          showSessionLost();
          return null;
        }
        if (type.indexOf("application/json") === -1) {
          if (response.status === 403 || response.redirected) {
            showSessionLost(); // CSRF failure or sign-in page: the session is gone
          } else {
            keepCopy();
            setStatus(data.msgOffline, "offline");
          }
          return null;
        }
        return response.json().then(function (body) {
          if (response.ok && body.saved) {
            handleSaved(body, sent);
          } else if (body.editable === false) {
            keepCopy();
            showClosed(body.message || "");
          } else if (body.submitted) {
            submittedVersion = true;
            keepCopy();
            setStatus(data.msgSubmitted, "submitted");
          } else {
            keepCopy();
            setStatus(data.msgOffline, "offline");
          }
        });
      })
      .catch(function () {
        keepCopy();
        setStatus(data.msgOffline, "offline");
      })
      .then(function () {
        saving = false;
        if (again) {
          again = false;
          schedule();
        }
      });
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(save, AUTOSAVE_DELAY);
  }

  function changed() {
    keepCopy();
    if (submittedVersion) {
      setStatus(data.msgSubmitted, "submitted");
      return;
    }
    schedule();
  }

  // -- Immediate uploads -----------------------------------------------------------------------

  function showCurrentFile(slot, body) {
    var node = document.getElementById("current-" + slot);
    if (!node) {
      return;
    }
    node.textContent = data.msgCurrentFile + " ";
    var link = document.createElement("a");
    link.href = body.url;
    link.textContent = body.name;
    node.appendChild(link);
    node.appendChild(document.createTextNode(" (" + body.size_label + ")"));
    node.setAttribute("data-sha256", body.sha256);
  }

  function upload(input) {
    var file = input.files[0];
    var slot = input.getAttribute("data-upload-slot");
    var out = document.getElementById("upload-status-" + slot);
    var say = function (text, state) {
      if (out) {
        out.textContent = text;
        out.setAttribute("data-state", state);
      }
    };
    var body = new FormData();
    body.append("slot", slot);
    body.append("file", file);
    body.append("csrfmiddlewaretoken", csrfToken());
    var xhr = new XMLHttpRequest();
    xhr.open("POST", data.uploadUrl);
    xhr.setRequestHeader("X-CSRFToken", csrfToken());
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) {
        say(
          fill(data.msgUploading, {
            name: file.name,
            percent: Math.round((event.loaded * 100) / event.total),
          }),
          "uploading"
        );
      }
    });
    xhr.addEventListener("load", function () {
      var answer = null;
      var type = xhr.getResponseHeader("content-type") || "";
      if (type.indexOf("application/json") !== -1) {
        try {
          answer = JSON.parse(xhr.responseText);
        } catch (error) {
          answer = null;
        }
      }
      if (xhr.status === 200 && answer) {
        say(fill(data.msgUploaded, { name: answer.name, size: answer.size_label }), "uploaded");
        showCurrentFile(slot, answer);
        input.value = ""; // kept on the server: the form need not send it again
      } else if (answer && answer.editable === false) {
        showClosed(answer.error || "");
        say(fill(data.msgUploadFailed, { name: file.name, reason: answer.error }), "refused");
      } else if (answer && answer.error) {
        say(fill(data.msgUploadFailed, { name: file.name, reason: answer.error }), "refused");
        input.value = "";
      } else if (xhr.status === 403 || xhr.status === 401 || type.indexOf("text/html") !== -1) {
        showSessionLost(); // the file stays chosen and goes with the next save
        say(fill(data.msgUploadError, { name: file.name }), "error");
      } else {
        say(fill(data.msgUploadError, { name: file.name }), "error");
      }
    });
    xhr.addEventListener("error", function () {
      say(fill(data.msgUploadError, { name: file.name }), "error");
    });
    say(fill(data.msgUploading, { name: file.name, percent: 0 }), "uploading");
    xhr.send(body);
  }

  // -- Wiring ----------------------------------------------------------------------------------

  form.addEventListener("input", function (event) {
    if (event.target.type === "file") {
      return;
    }
    if (event.target === essay) {
      countWords();
    }
    changed();
  });
  form.addEventListener("change", function (event) {
    var target = event.target;
    if (target.type === "file") {
      if (target.files && target.files.length) {
        upload(target);
      }
      return;
    }
    changed();
  });
  form.addEventListener("submit", function () {
    submitting = true;
    window.clearTimeout(timer);
    keepCopy(); // removed when the server confirms the save
  });

  function flush() {
    if (document.visibilityState === "hidden" && timer && !submitting) {
      window.clearTimeout(timer);
      timer = null;
      save({ keepalive: true });
    }
  }
  document.addEventListener("visibilitychange", flush);
  window.addEventListener("pagehide", function () {
    if (timer && !submitting) {
      window.clearTimeout(timer);
      timer = null;
      save({ keepalive: true });
    }
  });

  // -- On load: put back what the session lost -------------------------------------------------

  countWords();
  var copy = readCopy();
  if (copy && copy.values) {
    var current = collect();
    var serverTime = serverUpdated ? Date.parse(serverUpdated) : 0;
    var newer = !serverUpdated || copy.base === serverUpdated || copy.at > serverTime;
    if (same(copy.values, current)) {
      if (data.unsaved !== "1") {
        removeCopy(storageKey);
      }
    } else if (newer) {
      restore(copy.values);
      countWords();
      if (restoredBox) {
        restoredBox.hidden = false;
      }
      if (submittedVersion) {
        setStatus(data.msgSubmitted, "submitted");
      } else {
        save();
      }
    } else {
      removeCopy(storageKey); // the server has a later version (saved elsewhere)
    }
  }
})();
