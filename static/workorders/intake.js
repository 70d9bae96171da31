// Intake pages: copy the tracking code, list the chosen photos, fill the position from the browser.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var copy = event.target.closest("[data-copy]");
    if (copy) {
      var text = copy.getAttribute("data-copy");
      var done = function () { copy.textContent = "已复制"; setTimeout(function () { copy.textContent = "复制查询码"; }, 2000); };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, function () { window.prompt("请长按复制查询码：", text); });
      } else {
        window.prompt("请长按复制查询码：", text);
      }
    }
    var locate = event.target.closest("[data-locate]");
    if (locate) {
      var form = locate.closest("form");
      var status = form.querySelector("[data-locate-status]");
      if (!navigator.geolocation) { status.textContent = "此浏览器不支持定位。"; return; }
      status.textContent = "正在定位…";
      navigator.geolocation.getCurrentPosition(function (position) {
        form.querySelector("input[name=latitude]").value = position.coords.latitude.toFixed(6);
        form.querySelector("input[name=longitude]").value = position.coords.longitude.toFixed(6);
        status.textContent = "已记录当前位置（精度约 " + Math.round(position.coords.accuracy) + " 米）";
      }, function () {
        status.textContent = "未能获取位置（未授权或信号弱），可不填。";
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    }
  });
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input.type !== "file") { return; }
    var list = document.querySelector("[data-photo-list='" + input.name + "']");
    if (!list) { return; }
    var max = parseInt(input.getAttribute("data-max") || "3", 10);
    var names = Array.prototype.map.call(input.files, function (f) { return f.name; });
    list.textContent = names.length ? "已选择 " + names.length + " 张：" + names.join("、") : "";
    if (names.length > max) { list.textContent += "（最多 " + max + " 张，请重新选择）"; }
  });
})();
