/* "Cite this": puts the page's full address in the citation (a view's filters live in it),
   and offers copy and download. Everything is set as text, never as HTML. Loaded only by pages
   with a view that has a cite block (view.html, data-ea-script="cite"). */
(function () {
  "use strict";

  function pageAddress(kind) {
    var url = new URL(window.location.href);
    if (kind === "event") {
      url.search = "";
      url.hash = "";
    }
    return url.href;
  }

  function texts(block) {
    var staticUrl = block.getAttribute("data-cite-url") || "";
    var address = pageAddress(block.getAttribute("data-cite-kind"));
    var swap = function (text) {
      return staticUrl ? text.split(staticUrl).join(address) : text;
    };
    var parts = {
      text: block.querySelector(".ea-citethis-text"),
      csl: block.querySelector(".ea-citethis-csl"),
      bibtex: block.querySelector(".ea-citethis-bibtex"),
    };
    Object.keys(parts).forEach(function (name) {
      var node = parts[name];
      if (!node.hasAttribute("data-original")) {
        node.setAttribute("data-original", node.textContent);
      }
      var original = node.getAttribute("data-original");
      if (name === "csl") {
        var items = JSON.parse(original);
        items.forEach(function (item) {
          item.URL = address;
        });
        node.textContent = JSON.stringify(items, null, 2);
      } else if (name === "text" && !staticUrl) {
        node.textContent = original.replace("Data version", address + ". Data version");
      } else if (name === "bibtex" && !staticUrl) {
        node.textContent = original.replace(/\n\}\s*$/, "\n  url = {" + address + "},\n}\n");
      } else {
        node.textContent = swap(original);
      }
    });
    return {
      text: parts.text.textContent,
      csl: parts.csl.textContent,
      bibtex: parts.bibtex.textContent,
    };
  }

  function download(block, name, content) {
    var key = block.getAttribute("data-cite-key") || "citation";
    var type = name === "csl" ? "application/vnd.citationstyles.csl+json" : "application/x-bibtex";
    var link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([content], { type: type }));
    link.download = key + (name === "csl" ? ".json" : ".bib");
    document.body.appendChild(link);
    link.click();
    link.remove();
  }

  function setUp(block) {
    if (block.getAttribute("data-cite-ready")) return;
    block.setAttribute("data-cite-ready", "1");
    var actions = block.querySelector(".ea-citethis-actions");
    if (actions) actions.hidden = false;
    block.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button) return;
      var current = texts(block);
      var copy = button.getAttribute("data-cite-copy");
      var save = button.getAttribute("data-cite-download");
      if (copy && navigator.clipboard) navigator.clipboard.writeText(current[copy]);
      if (save) download(block, save, current[save]);
    });
    var details = block.querySelector("details");
    if (details)
      details.addEventListener("toggle", function () {
        texts(block);
      });
    texts(block);
  }

  function refreshAll() {
    document.querySelectorAll(".ea-citethis").forEach(function (block) {
      setUp(block);
      texts(block);
    });
  }

  /* A view loads this script on demand, perhaps before mkdocs-material has set up document$, and
     only once: later pages reached by instant navigation arrive through document$. */
  function start() {
    refreshAll();
    if (window.document$ && typeof window.document$.subscribe === "function") {
      window.document$.subscribe(refreshAll);
    }
  }

  window.addEventListener("hashchange", refreshAll);
  window.addEventListener("popstate", refreshAll);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
