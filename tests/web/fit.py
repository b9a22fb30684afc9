"""The fit check for web pages: no text clipped by its box or an ancestor, none overlapping.

`FIT_PROBLEMS` is a JavaScript expression answering a list of sentences, one per problem:
- an element whose own text is wider or taller than its box (scroll size > client size)
  while its overflow hides the rest (an ellipsis or a cut);
- text that reaches outside an ancestor that clips (overflow other than visible), or off
  the screen of a page that does not scroll;
- two sibling elements with text whose boxes overlap.
Text meant to run past its box (the ticker) and text hidden for screen readers only are
left out. Vertically, the text's glyph box may overhang its line by a fifth of the font
size (tall line boxes of small line heights: the digits stay inside).
"""

from __future__ import annotations

FIT_PROBLEMS = r"""
(function () {
  var SKIP = "#ticker, .visually-hidden, script, style, head, title, noscript";
  var problems = [];
  function name(el) {
    var id = el.id ? "#" + el.id : "";
    var cls = el.className && typeof el.className === "string"
      ? "." + el.className.trim().split(/\s+/).join(".") : "";
    var text = (el.textContent || "").trim().slice(0, 40);
    return el.tagName.toLowerCase() + id + cls + " «" + text + "»";
  }
  function visible(el) {
    if (el.closest(SKIP)) { return false; }
    var style = getComputedStyle(el);
    if (style.display === "none" || style.visibility === "hidden") { return false; }
    var r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  }
  function ownText(el) {
    for (var i = 0; i < el.childNodes.length; i++) {
      var n = el.childNodes[i];
      if (n.nodeType === 3 && n.textContent.trim()) { return true; }
    }
    return false;
  }
  function hasText(el) { return (el.textContent || "").trim() !== ""; }
  function clips(style) { return style.overflowX !== "visible" || style.overflowY !== "visible"; }
  var pageScrolls = getComputedStyle(document.documentElement).overflowY !== "hidden" &&
    getComputedStyle(document.body).overflowY !== "hidden";
  var all = Array.prototype.slice.call(document.body.querySelectorAll("*")).filter(visible);
  all.forEach(function (el) {
    if (!ownText(el)) { return; }
    var style = getComputedStyle(el);
    var font = parseFloat(style.fontSize);
    if (style.display !== "inline" && clips(style) &&
        (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1)) {
      problems.push("clipped: " + name(el) + " needs " + el.scrollWidth + "×" + el.scrollHeight +
        ", has " + el.clientWidth + "×" + el.clientHeight);
      return;
    }
    var range = document.createRange();
    range.selectNodeContents(el);
    var text = range.getBoundingClientRect();
    var slack = font / 5;
    var boxes = [];
    for (var a = el.parentElement; a && a !== document.documentElement; a = a.parentElement) {
      if (clips(getComputedStyle(a))) { boxes.push([a, a.getBoundingClientRect()]); }
    }
    if (!pageScrolls) {
      var screen = { left: 0, top: 0, right: innerWidth, bottom: innerHeight };
      boxes.push([document.documentElement, screen]);
    }
    boxes.forEach(function (pair) {
      var box = pair[1];
      if (text.left < box.left - 1 || text.right > box.right + 1 ||
          text.top < box.top - slack || text.bottom > box.bottom + slack) {
        problems.push("cut by " + name(pair[0]).split(" «")[0] + ": " + name(el));
      }
    });
  });
  all.forEach(function (parent) {
    var kids = Array.prototype.filter.call(parent.children, function (k) {
      return visible(k) && hasText(k) && getComputedStyle(k).position !== "absolute";
    });
    for (var i = 0; i < kids.length; i++) {
      for (var j = i + 1; j < kids.length; j++) {
        var p = kids[i].getBoundingClientRect(), q = kids[j].getBoundingClientRect();
        var w = Math.min(p.right, q.right) - Math.max(p.left, q.left);
        var h = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
        if (w > 1 && h > 1) {
          problems.push("overlap: " + name(kids[i]) + " and " + name(kids[j]));
        }
      }
    }
  });
  return problems.filter(function (p, i) { return problems.indexOf(p) === i; });
}())
"""
