// 签到 with the page's own camera, on every browser that can open a camera:
// - frames come from getUserMedia;
// - where the browser has BarcodeDetector (Android Chrome), they are decoded here and only
//   the code's text is posted;
// - elsewhere (iOS Safari, WeChat's in-app browser, Firefox) a downscaled JPEG of the frame
//   (~640 px) is posted and the server decodes it with zxing-cpp.
// Each result shows full screen, green or red, with the name and 已到 n/m, a vibration and a
// beep; a check-in can be undone for a few seconds. Without a camera (or without this
// script) the page's photo form does the same; no dead-end camera button is shown.
(function () {
  "use strict";
  var box = document.getElementById("camera");
  var media = navigator.mediaDevices;
  if (!box || !media || typeof media.getUserMedia !== "function" || !window.fetch ||
      !window.FormData || !window.HTMLCanvasElement) { return; }  // the photo form remains
  var start = document.getElementById("camera-start");
  var video = box.querySelector("video");
  var status = box.querySelector(".status");
  var csrf = box.querySelector("input[name=csrf_token]").value;
  var shown = document.getElementById("result");
  var countLine = document.getElementById("scan-count");
  var undoSeconds = parseInt(box.dataset.undoSeconds, 10) || 8;
  var canvas = document.createElement("canvas");
  var detector = null;
  var busy = false;          // a request in flight: one at a time
  var paused = false;        // a result on screen
  var lastCode = "", lastAt = 0;
  var undoTimer = 0, hideTimer = 0;
  var FRAME_SIDE = 640, FRAME_EVERY = 450, DETECT_EVERY = 150, SAME_CODE_MS = 4000;

  box.hidden = false;

  function say(text) { status.textContent = text || ""; }

  function count(present, expected) {
    if (typeof present !== "number") { return ""; }
    var text = box.dataset.count.replace("{n}", present).replace("{m}", expected);
    countLine.textContent = text;
    return text;
  }

  function beep(good) {
    try {
      if (navigator.vibrate) { navigator.vibrate(good ? 120 : [90, 60, 90]); }
      var Ctx = window.AudioContext || window.webkitAudioContext;
      if (!Ctx) { return; }
      beep.ctx = beep.ctx || new Ctx();
      var osc = beep.ctx.createOscillator(), gain = beep.ctx.createGain();
      osc.frequency.value = good ? 880 : 220;
      gain.gain.value = 0.15;
      osc.connect(gain); gain.connect(beep.ctx.destination);
      osc.start(); osc.stop(beep.ctx.currentTime + (good ? 0.12 : 0.3));
    } catch (e) { /* sound is a nicety */ }
  }

  function post(fields) {
    var body = new FormData();
    body.append("csrf_token", csrf);
    body.append("reply", "json");
    for (var key in fields) {
      if (Object.prototype.hasOwnProperty.call(fields, key)) {
        if (fields[key] instanceof Blob) { body.append(key, fields[key], "frame.jpg"); }
        else { body.append(key, fields[key]); }
      }
    }
    return fetch(fields.url || box.dataset.scan, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrf }
    }).then(function (response) { return response.json(); });
  }

  function hide() {
    window.clearTimeout(hideTimer);
    window.clearTimeout(undoTimer);
    shown.hidden = true;
    shown.className = "";
    paused = false;
    say(box.dataset.looking);
  }

  function show(result) {
    if (!result || result.state === "none") { return false; }
    if (result.key) {  // the same card still in view: "already in" is not news
      var now = Date.now(), same = result.key === lastCode && now - lastAt < SAME_CODE_MS;
      lastCode = result.key; lastAt = now;
      if (same && result.state === "in") { return false; }
    }
    paused = true;
    shown.className = result.ok ? "good" : "bad";
    shown.querySelector(".result-name").textContent = result.name || "";
    shown.querySelector(".result-message").textContent = result.message || "";
    shown.querySelector(".result-count").textContent = count(result.present, result.expected);
    var undo = shown.querySelector(".result-undo");
    undo.hidden = !result.undo;
    undo.onclick = null;
    if (result.undo) {
      undo.onclick = function () {
        undo.hidden = true;
        post({ url: result.undo }).then(function (r) {
          shown.className = "bad";
          shown.querySelector(".result-message").textContent = r.message;
          shown.querySelector(".result-count").textContent = count(r.present, r.expected);
          lastCode = "";
          window.clearTimeout(hideTimer);
          hideTimer = window.setTimeout(hide, 2500);
        });
      };
      undoTimer = window.setTimeout(function () { undo.hidden = true; }, undoSeconds * 1000);
    }
    shown.hidden = false;
    beep(result.ok);
    window.clearTimeout(hideTimer);
    hideTimer = window.setTimeout(hide, result.undo ? undoSeconds * 1000 : 2500);
    return true;
  }
  shown.querySelector(".result-next").addEventListener("click", hide);

  function tick(delay) { window.setTimeout(loop, delay); }

  function frameBlob(callback) {
    var w = video.videoWidth, h = video.videoHeight;
    if (!w || !h) { callback(null); return; }
    var scale = Math.min(1, FRAME_SIDE / Math.max(w, h));
    canvas.width = Math.round(w * scale);
    canvas.height = Math.round(h * scale);
    canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
    canvas.toBlob(callback, "image/jpeg", 0.8);
  }

  function handle(promise) {
    busy = true;
    promise.then(function (result) {
      busy = false;
      show(result);
      tick(detector ? DETECT_EVERY : FRAME_EVERY);
    }).catch(function () {
      busy = false;
      say(box.dataset.slow);
      tick(1000);
    });
  }

  function loop() {
    if (busy || paused || video.readyState < 2) { tick(200); return; }
    if (detector) {
      detector.detect(video).then(function (codes) {
        var now = Date.now();
        for (var i = 0; i < codes.length; i++) {
          var text = codes[i].rawValue;
          if (text === lastCode && now - lastAt < SAME_CODE_MS) { lastAt = now; continue; }
          lastCode = text; lastAt = now;
          handle(post({ code: text }));
          return;
        }
        tick(DETECT_EVERY);
      }).catch(function () { detector = null; tick(0); });  // fall back to the server
      return;
    }
    frameBlob(function (blob) {
      if (!blob) { tick(200); return; }
      handle(post({ frame: blob }));
    });
  }

  function chooseDecoder() {
    if (!("BarcodeDetector" in window)) { return Promise.resolve(null); }
    var formats = window.BarcodeDetector.getSupportedFormats
      ? window.BarcodeDetector.getSupportedFormats() : Promise.resolve(["qr_code"]);
    return formats.then(function (list) {
      return list.indexOf("qr_code") >= 0
        ? new window.BarcodeDetector({ formats: ["qr_code"] }) : null;
    }).catch(function () { return null; });
  }

  start.addEventListener("click", function () {
    say(box.dataset.starting);
    start.disabled = true;
    chooseDecoder().then(function (found) {
      detector = found;
      return media.getUserMedia({ video: { facingMode: "environment" }, audio: false });
    }).then(function (stream) {
      video.srcObject = stream;
      video.hidden = false;
      start.hidden = true;
      return video.play();
    }).then(function () {
      say(box.dataset.looking);
      loop();
    }).catch(function () {
      start.disabled = false;
      say(box.dataset.denied);
    });
  });
}());
