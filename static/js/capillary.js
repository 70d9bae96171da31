// Progressive enhancement only: every page works without this file.
// A filter <select> marked data-autosubmit submits its form when changed.
document.addEventListener("change", (event) => {
  const field = event.target;
  if (field instanceof HTMLSelectElement && field.hasAttribute("data-autosubmit") && field.form) {
    field.form.requestSubmit();
  }
});
