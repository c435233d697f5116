// ledgerkit dashboard helpers, loaded by the "ledgerkit" Voila template.
// 1. Keyboard shortcuts: Alt+N next, Alt+P previous, Ctrl+Enter save. They click the visible
//    button carrying lk-key-next / lk-key-prev / lk-key-save, so the kernel sees a normal click.
// 2. Files dropped anywhere on the page go to the visible upload widget (the same import path
//    as the command line).
(function () {
  "use strict";
  function visible(selector) {
    return Array.from(document.querySelectorAll(selector)).filter(function (el) {
      return el.offsetParent !== null && !el.disabled;
    });
  }
  function press(selector) {
    var hits = visible(selector);
    if (!hits.length) { return false; }
    hits[0].click();
    return true;
  }
  document.addEventListener("keydown", function (ev) {
    var key = (ev.key || "").toLowerCase();
    var done = false;
    if (ev.altKey && !ev.ctrlKey && !ev.metaKey && key === "n") { done = press(".lk-key-next"); }
    else if (ev.altKey && !ev.ctrlKey && !ev.metaKey && key === "p") { done = press(".lk-key-prev"); }
    else if ((ev.ctrlKey || ev.metaKey) && key === "enter") {
      // let a focused text field sync its value first (ipywidgets sends on change/blur)
      if (document.activeElement && document.activeElement.blur) { document.activeElement.blur(); }
      done = press(".lk-key-save");
    }
    if (done) { ev.preventDefault(); ev.stopPropagation(); }
  }, true);

  function hasFiles(ev) {
    return ev.dataTransfer && Array.from(ev.dataTransfer.types || []).indexOf("Files") >= 0;
  }
  function zones() { return visible(".lk-drop"); }
  document.addEventListener("dragover", function (ev) {
    if (!hasFiles(ev)) { return; }
    ev.preventDefault();
    zones().forEach(function (z) { z.classList.add("lk-drop-active"); });
  });
  document.addEventListener("dragleave", function (ev) {
    if (ev.target === document.documentElement || ev.clientX <= 0 || ev.clientY <= 0) {
      zones().forEach(function (z) { z.classList.remove("lk-drop-active"); });
    }
  });
  // ipywidgets' FileUpload keeps its <input type=file> out of the DOM and opens it with input.click();
  // for a drop, that one click hands over the dropped files instead of opening the file chooser.
  function feed(uploadButton, files) {
    var original = HTMLInputElement.prototype.click;
    HTMLInputElement.prototype.click = function () {
      if (this.type === "file") {
        this.files = files;
        this.dispatchEvent(new Event("change"));
        return undefined;
      }
      return original.call(this);
    };
    try { uploadButton.click(); } finally { HTMLInputElement.prototype.click = original; }
  }
  document.addEventListener("drop", function (ev) {
    if (!hasFiles(ev)) { return; }
    ev.preventDefault();
    zones().forEach(function (z) { z.classList.remove("lk-drop-active"); });
    var targets = visible(".lk-wiz-files, .lk-upload");
    if (!targets.length) { return; }
    feed(targets[targets.length - 1], ev.dataTransfer.files);
  });
})();
