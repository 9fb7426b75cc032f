// 签到 with the page's own camera: progressive enhancement only. Without JavaScript, or in a
// browser without BarcodeDetector, the phone's camera app opening the card's URL does the
// same. A code is followed only if it is a member card of this site (/M/...).
(function () {
  "use strict";
  var box = document.getElementById("camera");
  if (!box || !("BarcodeDetector" in window) || !navigator.mediaDevices) { return; }
  var button = box.querySelector("button");
  var video = box.querySelector("video");
  var status = box.querySelector(".status");
  box.hidden = false;
  button.addEventListener("click", function () {
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (stream) {
        video.srcObject = stream;
        video.hidden = false;
        button.hidden = true;
        return video.play().then(function () { look(detector); });
      })
      .catch(function () { status.textContent = box.dataset.denied; });
  });
  function look(detector) {
    detector.detect(video).then(function (codes) {
      for (var i = 0; i < codes.length; i++) {
        var url;
        try { url = new URL(codes[i].rawValue, location.href); } catch (e) { continue; }
        if (url.origin === location.origin && /^\/m\//i.test(url.pathname)) {
          location.href = url.pathname;  // the card's URL: the server offers 签到
          return;
        }
      }
      window.setTimeout(function () { look(detector); }, 200);
    }).catch(function () { window.setTimeout(function () { look(detector); }, 500); });
  }
}());
