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
  // http, https and our own relative URLs are kept). With an upload address on the form
  // (data-image-upload) the image is uploaded, checked by the server and placed by its address;
  // without one the button asks for an image's address.
  function insertImage(quill, url) {
    var range = quill.getSelection(true);
    quill.insertEmbed(range.index, "image", url, "user");
  }

  function uploadImage(quill, form) {
    var input = document.createElement("input");
    input.type = "file";
    input.accept = "image/jpeg,image/png";
    input.addEventListener("change", function () {
      if (!input.files || !input.files[0]) return;
      var data = new FormData();
      data.append("file", input.files[0]);
      var union = form.querySelector("[name=organisation]");
      data.append("organisation", form.dataset.organisation || (union ? union.value : ""));
      var token = form.querySelector("[name=csrfmiddlewaretoken]");
      fetch(form.dataset.imageUpload, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: token ? { "X-CSRFToken": token.value } : {},
      })
        .then(function (response) {
          return response.json().then(function (body) {
            return { ok: response.ok, body: body };
          });
        })
        .then(function (answer) {
          if (answer.ok) {
            insertImage(quill, answer.body.url);
          } else {
            var errors = answer.body.errors || {};
            var lines = Object.keys(errors).map(function (k) {
              return errors[k].join(" ");
            });
            window.alert(lines.join("\n"));
          }
        })
        .catch(function () {
          window.alert(quill.root.dataset.imagePrompt || "");
        });
    });
    input.click();
  }

  function imageButton() {
    var quill = this.quill;
    var form = quill.container.closest("form");
    if (form && form.dataset.imageUpload) {
      uploadImage(quill, form);
      return;
    }
    var url = window.prompt(quill.root.dataset.imagePrompt || "Image URL");
    if (url) insertImage(quill, url.trim());
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
      modules: { toolbar: { container: TOOLBAR, handlers: { image: imageButton } } },
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
