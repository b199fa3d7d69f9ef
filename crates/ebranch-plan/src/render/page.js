// ebranch report page: details on click, highlighted needs on hover, a sortable and
// filterable table. All text from the data goes in through textContent.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("ebranch-data").textContent);
  var nodes = data.nodes, edges = data.edges;
  var needs = nodes.map(function () { return []; });
  var neededBy = nodes.map(function () { return []; });
  edges.forEach(function (e, i) { needs[e[0]].push(i); neededBy[e[1]].push(i); });
  var edgeEls = Array.prototype.slice.call(document.querySelectorAll("#build-graph path.edge"));
  var nodeEls = [];
  document.querySelectorAll("#build-graph g.node").forEach(function (g) { nodeEls[+g.dataset.node] = g; });
  var rows = [];
  document.querySelectorAll("#package-table tbody tr").forEach(function (tr) { rows[+tr.dataset.node] = tr; });
  var selected = -1;

  function mark(i, on) {
    needs[i].forEach(function (e) { if (edgeEls[e]) edgeEls[e].classList.toggle("out", on); });
    neededBy[i].forEach(function (e) { if (edgeEls[e]) edgeEls[e].classList.toggle("in", on); });
  }
  function el(tag, text, cls) {
    var x = document.createElement(tag);
    if (text !== undefined && text !== null) x.textContent = String(text);
    if (cls) x.className = cls;
    return x;
  }
  function link(text, href) {
    var a = el("a", text);
    if (href && /^https?:\/\//.test(href)) a.href = href;
    return a;
  }
  function pkgList(title, list, other) {
    var box = document.createDocumentFragment();
    box.appendChild(el("h4", title + " (" + list.length + ")"));
    if (!list.length) return box;
    var ul = el("ul");
    list.forEach(function (ei) {
      var e = edges[ei], j = other(e), li = el("li");
      var a = el("a", nodes[j].name);
      a.href = "#n" + j;
      a.addEventListener("click", function (ev) { ev.preventDefault(); select(j, true); });
      li.appendChild(a);
      li.appendChild(el("span", " " + (e[2] ? "BuildRequires" : "in its buildroot") + (e[4] ? ", dropped by the bootstrap build" : "") + ": "));
      li.appendChild(el("span", e[3].join(", "), "deps"));
      ul.appendChild(li);
    });
    box.appendChild(ul);
    return box;
  }
  function details(i) {
    var n = nodes[i], box = document.getElementById("details");
    box.textContent = "";
    box.appendChild(el("h3", n.name + (n.evr ? " " + n.evr : "") + (n.root ? " (root)" : "")));
    var facts = n.shade + " · layer " + n.layer;
    if (n.group) facts += " · cycle group " + n.group + (n.bootstrap ? ": build it first in bootstrap mode, then rebuild it" : "");
    box.appendChild(el("p", facts));
    var p = el("p");
    if (n.bug) { p.appendChild(el("span", "Request: ")); p.appendChild(link("bug " + n.bug, n.links.bug)); }
    if (n.request) p.appendChild(el("span", " (" + n.request[0] + ", " + n.request[1] + ")"));
    if (n.state) p.appendChild(el("span", " · state: " + n.state + (n.checked ? " (checked " + n.checked + ")" : "")));
    if (n.update) { p.appendChild(el("span", " · update: ")); p.appendChild(link(n.update[0] + " (" + n.update[1] + ")", n.links.update)); }
    if (n.links.dist_git) { p.appendChild(el("span", " · ")); p.appendChild(link("dist-git", n.links.dist_git)); }
    if (p.childNodes.length) box.appendChild(p);
    if (n.unresolved.length) {
      box.appendChild(el("h4", "Unresolvable (nothing provides)"));
      box.appendChild(el("p", n.unresolved.join(", "), "deps"));
    }
    box.appendChild(pkgList("Needs", needs[i], function (e) { return e[1]; }));
    box.appendChild(pkgList("Needed by (why it is here)", neededBy[i], function (e) { return e[0]; }));
    if (n.alternatives.length) {
      box.appendChild(el("h4", "Alternatives"));
      var ul = el("ul");
      n.alternatives.forEach(function (a) { ul.appendChild(el("li", a[0] + ": chose " + a[1] + "; also " + a[2].join(", "))); });
      box.appendChild(ul);
    }
  }
  function select(i, scroll) {
    if (selected >= 0) {
      mark(selected, false);
      if (nodeEls[selected]) nodeEls[selected].classList.remove("selected");
      if (rows[selected]) rows[selected].classList.remove("selected");
    }
    selected = i;
    mark(i, true);
    if (nodeEls[i]) {
      nodeEls[i].classList.add("selected");
      if (scroll && nodeEls[i].scrollIntoView) nodeEls[i].scrollIntoView({ block: "center", inline: "center" });
    }
    if (rows[i]) rows[i].classList.add("selected");
    details(i);
  }
  nodeEls.forEach(function (g, i) {
    g.addEventListener("click", function () { select(i, false); });
    g.addEventListener("keydown", function (ev) { if (ev.key === "Enter") select(i, false); });
    g.addEventListener("mouseenter", function () { mark(i, true); });
    g.addEventListener("mouseleave", function () { if (i !== selected) { mark(i, false); if (selected >= 0) mark(selected, true); } });
  });
  rows.forEach(function (tr, i) {
    var a = tr.querySelector("a.pkg");
    if (a) a.addEventListener("click", function (ev) { ev.preventDefault(); select(i, true); });
  });

  // The table: sort on a header click, filter by name, class and state.
  var table = document.getElementById("package-table");
  var tbody = table.tBodies[0];
  var heads = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(heads, function (th, col) {
    th.addEventListener("click", function () {
      var asc = th.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", asc ? "ascending" : "descending");
      var num = th.dataset.key === "num";
      var list = Array.prototype.slice.call(tbody.rows);
      list.sort(function (a, b) {
        var x = a.cells[col].textContent, y = b.cells[col].textContent;
        var c = num ? (parseFloat(x) || 0) - (parseFloat(y) || 0) : x.localeCompare(y);
        return asc ? c : -c;
      });
      list.forEach(function (r) { tbody.appendChild(r); });
    });
  });
  var states = {};
  rows.forEach(function (tr) { if (tr.dataset.state) states[tr.dataset.state] = true; });
  var stateSel = document.getElementById("filter-state");
  Object.keys(states).sort().forEach(function (s) { var o = el("option", s); o.value = s; stateSel.appendChild(o); });
  var text = document.getElementById("filter"), shadeSel = document.getElementById("filter-shade");
  function filter() {
    var q = text.value.trim().toLowerCase(), sh = shadeSel.value, st = stateSel.value, shown = 0;
    rows.forEach(function (tr, i) {
      var ok = (!q || nodes[i].name.toLowerCase().indexOf(q) >= 0) && (!sh || tr.dataset.shade === sh) && (!st || tr.dataset.state === st);
      tr.hidden = !ok;
      if (nodeEls[i]) nodeEls[i].classList.toggle("dim", !ok);
      if (ok) shown++;
    });
    document.getElementById("shown").textContent = shown + " of " + rows.length + " shown";
  }
  [text, shadeSel, stateSel].forEach(function (x) { x.addEventListener("input", filter); });
  filter();
  var hash = /^#n(\d+)$/.exec(location.hash);
  if (hash && nodes[+hash[1]]) select(+hash[1], true);
})();
