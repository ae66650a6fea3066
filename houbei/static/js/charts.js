// Charts: every element with data-chart="ID" becomes an ECharts chart whose option is the JSON
// in <script type="application/json" id="ID"> (Django's json_script). Load with `defer` after
// vendor/echarts/echarts.min.js, which is shipped in the wheel: no CDN (decision 0005).
(function () {
  "use strict";

  // Fonts every office machine has one of; ECharts' own default is a Latin sans-serif.
  var FONT = '"Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif';

  function sameOrigin(url) {
    try {
      return new URL(url, window.location.href).origin === window.location.origin;
    } catch (e) {
      return false;
    }
  }

  function initChart(el) {
    if (window.echarts.getInstanceByDom(el)) return; // already drawn (htmx:load repeats)
    var source = document.getElementById(el.getAttribute("data-chart"));
    if (!source) {
      console.warn("charts.js: no option script #" + el.getAttribute("data-chart"));
      return;
    }
    var option = JSON.parse(source.textContent);
    // Keeps the option's own textStyle keys, and its fontFamily if it sets one.
    option.textStyle = Object.assign({ fontFamily: FONT }, option.textStyle);

    // SVG: crisp when printed and zoomed, and its text can be found by browser tests.
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    // Registered before setOption, which may render (and finish) at once.
    chart.on("finished", function ready() {
      el.setAttribute("data-chart-ready", "1");
      chart.off("finished", ready);
    });
    // A bar or slice whose data item has a url opens it (e.g. the list of people behind a
    // count). Only same-site addresses: the url comes from data, never run "javascript:".
    chart.on("click", function (params) {
      var url = params.data && params.data.url;
      if (url && sameOrigin(url)) window.location.assign(url);
    });
    chart.setOption(option);
  }

  function initAll(root) {
    if (!window.echarts) return; // echarts.min.js failed to load: nothing to draw with
    var els = root.querySelectorAll("[data-chart]");
    if (root.matches && root.matches("[data-chart]")) initChart(root);
    for (var i = 0; i < els.length; i++) initChart(els[i]);
  }

  // Debounced: dragging a window edge fires resize dozens of times a second.
  var resizeTimer = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      var els = document.querySelectorAll("[data-chart]");
      for (var i = 0; i < els.length; i++) {
        var chart = window.echarts && window.echarts.getInstanceByDom(els[i]);
        if (chart) chart.resize();
      }
    }, 150);
  });

  // Fragments swapped in by htmx get their charts too.
  document.addEventListener("htmx:load", function (event) {
    initAll(event.target);
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      initAll(document);
    });
  } else {
    initAll(document);
  }
})();
