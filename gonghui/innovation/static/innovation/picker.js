// Member picker of the studio pages: a result's "Choose" button puts its member number in the
// box it names (data-target) and says who was chosen; without JavaScript the number shown can
// be typed instead.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-pick]");
  if (!button) { return; }
  var box = document.getElementById(button.getAttribute("data-target"));
  if (!box) { return; }
  box.value = button.getAttribute("data-pick");
  box.dispatchEvent(new Event("change", { bubbles: true }));
  var chosen = document.getElementById(button.getAttribute("data-target") + "-chosen");
  if (chosen) { chosen.textContent = button.getAttribute("data-label"); }
});
// Enter in a picker's search box searches; it does not submit the surrounding form.
document.addEventListener("keydown", function (event) {
  if (event.key === "Enter" && event.target.matches("input[type=search][hx-get]")) {
    event.preventDefault();
  }
});
