(function () {
  "use strict";
  // Click a [data-target] entry (a meeting or tension in a table or panel): its evidence,
  // every mark[data-item] with the same name, is marked and the first scrolled into view.
  // The lookup stays inside the nearest [data-scope] (one article), else the whole page.
  function scopeOf(el) { return el.closest("[data-scope]") || document; }
  function named(scope, selector, attr, item) {
    return Array.prototype.filter.call(scope.querySelectorAll(selector), function (el) {
      return el.getAttribute(attr) === item;
    });
  }
  function select(item, scope, scroll) {
    Array.prototype.forEach.call(scope.querySelectorAll(".is-active"), function (el) {
      el.classList.remove("is-active");
      if (el.hasAttribute("aria-pressed")) { el.setAttribute("aria-pressed", "false"); }
    });
    var marks = named(scope, "mark[data-item]", "data-item", item);
    marks.forEach(function (m) { m.classList.add("is-active"); });
    named(scope, "[data-target]", "data-target", item).forEach(function (e) {
      e.classList.add("is-active");
      if (e.hasAttribute("aria-pressed")) { e.setAttribute("aria-pressed", "true"); }
    });
    if (scroll && marks.length) { marks[0].scrollIntoView({ block: "center" }); }
    return marks.length;
  }
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element) || target.closest("a[href]")) { return; }
    var entry = target.closest("[data-target]");
    if (entry) {
      select(entry.getAttribute("data-target"), scopeOf(entry), true);
      return;
    }
    var mark = target.closest("mark[data-item]");
    if (mark) { select(mark.getAttribute("data-item"), scopeOf(mark), false); }
  });
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if ((event.key === "Enter" || event.key === " ") && target instanceof Element &&
        target.hasAttribute("data-target")) {
      event.preventDefault();
      select(target.getAttribute("data-target"), scopeOf(target), true);
    }
  });
})();
