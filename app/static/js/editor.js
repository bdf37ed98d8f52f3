// The project editor: "Remove" asks here instead of opening the confirmation page (which is what
// happens without JavaScript), then posts as that page's form would.
document.addEventListener("click", function (event) {
  var link = event.target.closest("a[data-remove]");
  if (!link) return;
  event.preventDefault();
  if (!window.confirm(link.dataset.remove)) return;
  var form = document.createElement("form");
  form.method = "post";
  form.action = link.href;
  var token = document.createElement("input");
  token.type = "hidden";
  token.name = "csrf_token";
  token.value = link.dataset.csrf;
  form.appendChild(token);
  document.body.appendChild(form);
  form.submit();
});
