// Progressive enhancement only: every page works without this file.
// A filter <select> marked data-autosubmit submits its form when changed.
document.addEventListener("change", (event) => {
  const field = event.target;
  if (field instanceof HTMLSelectElement && field.hasAttribute("data-autosubmit") && field.form) {
    field.form.requestSubmit();
  }
});

// The order page's sticky next-action bar: a link to an action opens its panel (a <details>) and scrolls to it.
function openActionFromHash() {
  const target = location.hash && document.getElementById(location.hash.slice(1));
  if (target instanceof HTMLDetailsElement) {
    target.open = true;
    target.scrollIntoView({ block: "start" });
  }
}
window.addEventListener("hashchange", openActionFromHash);
document.addEventListener("DOMContentLoaded", openActionFromHash);
