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

// A figure's number (.figure dd) too long for its card (a district's ¥12,000,000.00 on a phone) is made smaller,
// a pixel at a time, until it fits on one line; a number that fits keeps the stylesheet's size.
function fitFigures() {
  for (const number of document.querySelectorAll(".figure dd")) {
    number.style.fontSize = "";
    number.style.whiteSpace = "nowrap";
    let size = parseFloat(getComputedStyle(number).fontSize);
    while (number.scrollWidth > number.clientWidth && size > 12) {
      size -= 1;
      number.style.fontSize = `${size}px`;
    }
    if (number.scrollWidth > number.clientWidth) {
      number.style.whiteSpace = ""; // still too long: it wraps inside its card
    }
  }
}
document.addEventListener("DOMContentLoaded", fitFigures);
window.addEventListener("resize", fitFigures);
