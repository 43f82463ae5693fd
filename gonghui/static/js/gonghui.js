// Site-wide behaviours, from a static file because the Content-Security-Policy allows no
// inline script and no inline event handler (onclick=, onchange=, hx-on). Templates ask for
// a behaviour with a data attribute; one delegated listener per event serves every page,
// including fragments that htmx swaps in later.
(function () {
  "use strict";

  // With htmx the place pickers fill themselves: drop the no-JavaScript refresh buttons,
  // which would otherwise be the button the Enter key presses.
  function dropNoJsButtons(root) {
    if (!window.htmx) return;
    root.querySelectorAll("[data-nojs]").forEach(function (el) { el.remove(); });
  }
  dropNoJsButtons(document);

  // <select data-autosubmit>: choosing an option sends its form (a filter).
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("[data-autosubmit]") && el.form) el.form.submit();
  });

  // <button data-print>: print the page; <a data-back>: go back to the previous page (the
  // link's own href is where it goes without history or without JavaScript).
  document.addEventListener("click", function (event) {
    var el = event.target.closest && event.target.closest("[data-print], [data-back]");
    if (!el) return;
    if (el.hasAttribute("data-print")) {
      window.print();
    } else if (window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });

  // A union picker's type-ahead list (organisations/_union_picks.html): a button writes its
  // union, "name（code）", into the picker's box and closes the list.
  document.addEventListener("click", function (event) {
    var option = event.target.closest && event.target.closest("[data-pick-union]");
    if (!option) return;
    var picker = option.closest("[data-union-picker]");
    var box = picker && picker.querySelector("input[type=text], input:not([type])");
    if (!box) return;
    box.value = option.getAttribute("data-pick-union");
    picker.querySelector(".union-picks").innerHTML = "";
    // A filter form listening for "change" on the box (the roster) refreshes its results.
    box.dispatchEvent(new Event("change", { bubbles: true }));
    box.focus();
  });

  // A tree toggle (data-expands) says it is open once its children have loaded.
  document.addEventListener("htmx:afterRequest", function (event) {
    var el = event.detail && event.detail.elt;
    if (el && el.matches && el.matches("[data-expands]") && event.detail.successful) {
      el.setAttribute("aria-expanded", "true");
    }
  });

  // The installable app: the service worker (static/js/sw.js, served at the root so that it
  // controls the card and the station pages) keeps those pages for use without a network.
  var sw = document.querySelector('meta[name="gonghui-sw"]');
  if (sw && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(sw.content, { scope: "/" }).catch(function () {});
  }

  // <form data-forget-offline> (sign out): empty the offline copies first, so the next person
  // on a shared phone never sees the previous person's card.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("[data-forget-offline]") || !window.caches || form.dataset.forgotten) return;
    event.preventDefault();
    form.dataset.forgotten = "1";
    window.caches.delete("gonghui-offline-v1").catch(function () {}).then(function () { form.submit(); });
  });
})();
