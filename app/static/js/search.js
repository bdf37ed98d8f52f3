// Suggestions as you type in the search box: project titles, places and skills.
// Without JavaScript the box is a plain search form.
(function () {
  "use strict";
  var input = document.getElementById("q");
  var list = document.getElementById("suggestions");
  if (!input || !list || !window.fetch) { return; }
  var timer = null;
  var latest = 0;

  function clear() { list.textContent = ""; list.hidden = true; }

  function show(items) {
    clear();
    items.forEach(function (item) {
      var li = document.createElement("li");
      li.setAttribute("role", "option");
      var a = document.createElement("a");
      a.href = item.url;
      a.textContent = item.text;
      a.className = "suggestion suggestion-" + item.kind;
      li.appendChild(a);
      list.appendChild(li);
    });
    list.hidden = items.length === 0;
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    var text = input.value.trim();
    if (text.length < 2) { clear(); return; }
    timer = setTimeout(function () {
      var ticket = ++latest;
      fetch(input.dataset.suggest + "?q=" + encodeURIComponent(text), {headers: {"Accept": "application/json"}})
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (items) { if (ticket === latest) { show(items); } })
        .catch(clear);
    }, 200);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { clear(); }
    if (event.key === "ArrowDown" && !list.hidden) {
      event.preventDefault();
      list.querySelector("a").focus();
    }
  });
})();
