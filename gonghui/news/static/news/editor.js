// The rich-text editor of news items (Quill 2, vendored by `make` from npm). Progressive
// enhancement: every <textarea data-rich-editor> works without JavaScript (people type or paste
// HTML; the server sanitises it). With JavaScript the textarea is hidden, Quill edits a copy of
// its HTML and writes the HTML back into the textarea when the form is sent.
// No inline script or style is needed (CSP): Quill sets styles through the DOM only.
(function () {
  "use strict";

  var TOOLBAR = [
    [{ header: [2, 3, 4, false] }],
    ["bold", "italic", "underline", "strike"],
    [{ list: "ordered" }, { list: "bullet" }, "blockquote"],
    ["link", "image"],
    ["clean"],
  ];

  // Quill's own image button embeds the file as a data: URI, which the server drops (only
  // http, https and our own relative URLs are kept): ask for the image's address instead.
  function askImage() {
    var url = window.prompt(this.quill.root.dataset.imagePrompt || "Image URL");
    if (!url) return;
    var range = this.quill.getSelection(true);
    this.quill.insertEmbed(range.index, "image", url.trim(), "user");
  }

  function enhance(textarea) {
    if (typeof window.Quill !== "function" || textarea.dataset.richEditorReady) return;
    textarea.dataset.richEditorReady = "1";
    var host = document.createElement("div");
    host.className = "news-editor";
    textarea.parentNode.insertBefore(host, textarea.nextSibling);
    textarea.hidden = true;
    var quill = new window.Quill(host, {
      theme: "snow",
      modules: { toolbar: { container: TOOLBAR, handlers: { image: askImage } } },
    });
    quill.root.dataset.imagePrompt = textarea.dataset.imagePrompt || "";
    var label = textarea.id && document.querySelector('label[for="' + textarea.id + '"]');
    if (label) quill.root.setAttribute("aria-label", label.textContent.trim());
    quill.clipboard.dangerouslyPasteHTML(textarea.value || "");
    var form = textarea.form;
    if (form) {
      form.addEventListener("submit", function () {
        // getSemanticHTML gives plain <ul>/<ol> lists (Quill's editing markup uses data-list);
        // Quill 2.0 writes every space as &nbsp;, which would stop lines wrapping.
        var html = quill.getLength() > 1 ? quill.getSemanticHTML() : "";
        textarea.value = html.replace(/&nbsp;/g, " ");
      });
    }
  }

  function start() {
    document.querySelectorAll("textarea[data-rich-editor]").forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
