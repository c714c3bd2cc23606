// Inbox: "select all" and enabling the bulk buttons. No framework; the page works without it
// (the buttons are then enabled by the server only when something is pre-selected, i.e. never,
// so without script a person decides tasks one by one). Live updates (a later issue) can
// refetch the region's data-refresh-url and replace #inbox-rows, then call FlowdeskInbox.bind().
(function () {
  "use strict";
  function bind() {
    var form = document.querySelector("[data-bulk]");
    if (!form) return;
    var boxes = Array.prototype.slice.call(form.querySelectorAll('input[name="task"]'));
    var all = form.querySelector("[data-select-all]");
    var buttons = form.querySelectorAll("[data-bulk-button]");
    function sync() {
      var any = boxes.some(function (b) { return b.checked; });
      buttons.forEach(function (b) { b.disabled = !any; });
    }
    boxes.forEach(function (b) { b.addEventListener("change", sync); });
    if (all) {
      all.addEventListener("change", function () {
        boxes.forEach(function (b) { b.checked = all.checked; });
        sync();
      });
    }
    sync();
  }
  window.FlowdeskInbox = { bind: bind };
  document.addEventListener("DOMContentLoaded", bind);
})();
