/* eventatlas: draws every figure on a page from its embedded JSON, with the site's own plotly.js.
   Works on first load, after mkdocs-material's instant navigation, and from file://.
   Data text arrives already escaped; it is only ever put into the DOM with textContent. */
(function () {
  "use strict";

  function isDark() {
    return document.body && document.body.getAttribute("data-md-color-scheme") === "slate";
  }

  function template() {
    var templates = window.EventAtlasTemplates || {};
    return isDark() ? templates.dark : templates.light;
  }

  function readFigure(el) {
    var script = document.getElementById(el.getAttribute("data-figure"));
    return script ? JSON.parse(script.textContent) : null;
  }

  function openUrl(root, url) {
    window.location.href = root + url;
  }

  function showChoices(view, title, urls, titles, root) {
    var box = view.querySelector(".ea-choices");
    if (!box) { return; }
    box.textContent = "";
    var heading = document.createElement("p");
    heading.className = "ea-choices-title";
    heading.textContent = title;
    box.appendChild(heading);
    var list = document.createElement("ul");
    urls.forEach(function (url, i) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = root + url;
      link.textContent = titles[i];
      item.appendChild(link);
      list.appendChild(item);
    });
    box.appendChild(list);
    box.hidden = false;
    var first = box.querySelector("a");
    if (first) { first.focus(); }
  }

  function decode(text) {
    var area = document.createElement("textarea");
    area.innerHTML = text;
    return area.value;
  }

  function onClick(el, view, root) {
    el.on("plotly_click", function (event) {
      var point = event && event.points && event.points[0];
      if (!point || !point.customdata) { return; }
      var data = point.customdata;
      if (el.getAttribute("data-kind") === "timeline") {
        openUrl(root, data[4]);
      } else if (data[4].length === 1) {
        openUrl(root, data[4][0]);
      } else {
        var titles = data[3].split("<br>").map(decode);
        showChoices(view, decode(data[1]) + ": " + data[2], data[4], titles, root);
      }
    });
  }

  function draw(el) {
    var figure = readFigure(el);
    var view = el.closest(".ea-view");
    if (!figure || !window.Plotly || !view) { return; }
    var root = view.getAttribute("data-root") || "";
    var layout = Object.assign({}, figure.layout, { template: template(), autosize: true });
    var config = { responsive: true, displaylogo: false, scrollZoom: false, topojsonURL: root + "assets/eventatlas/", modeBarButtonsToRemove: ["select2d", "lasso2d"] };
    el.textContent = "";
    window.Plotly.newPlot(el, figure.data, layout, config).then(function () {
      onClick(el, view, root);
      el.setAttribute("data-drawn", "true");
    });
  }

  function drawAll() {
    document.querySelectorAll(".ea-figure").forEach(draw);
  }

  function restyleAll() {
    document.querySelectorAll(".ea-figure[data-drawn]").forEach(function (el) {
      window.Plotly.relayout(el, { template: template() });
    });
  }

  function watchPalette() {
    new MutationObserver(restyleAll).observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
  }

  function start() {
    watchPalette();
    if (window.document$ && typeof window.document$.subscribe === "function") {
      window.document$.subscribe(drawAll); /* mkdocs-material: every page, instant navigation included */
    } else {
      drawAll();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
