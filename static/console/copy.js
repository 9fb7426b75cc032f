// A copy button for a password shown once (accounts/password.html): progressive
// enhancement only. Without JavaScript or the clipboard, the button stays hidden and the
// password is selected and copied by hand.
(function () {
  "use strict";
  var box = document.querySelector(".copy");
  if (!box || !navigator.clipboard) { return; }
  var button = box.querySelector("button");
  var status = box.querySelector(".status");
  var source = document.getElementById(button.dataset.copy);
  if (!source) { return; }
  box.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(source.textContent.trim()).then(function () {
      status.textContent = box.dataset.copied;
    }, function () {
      status.textContent = box.dataset.failed;
    });
  });
}());
