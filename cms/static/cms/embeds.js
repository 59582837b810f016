/* Click-to-load players (cms/templates/cms/blocks/video.html, interactive.html): the link becomes the iframe kept
   in its <template>. Without JavaScript, or without <template>, the link opens the provider's page. */
document.addEventListener("click", function (e) {
  var a = e.target.closest && e.target.closest("[data-embed-load]"),
    t = a && a.parentNode.querySelector("template");
  if (!t || !t.content) return;
  e.preventDefault();
  var f = t.content.querySelector("iframe").cloneNode(true);
  t.parentNode.removeChild(t);
  a.parentNode.replaceChild(f, a);
  f.focus();
});
