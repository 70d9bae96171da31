// The unit picker (workorders/widgets/unit_picker.html) and the person picker (staffing/widgets/person_picker.html):
// typing in the search box asks the server (workorders:unit-search, staffing:person-search; scoped to the user)
// and fills the select's group of results; the suggested units stay above. A result's group, when it has one, is
// shown after its label. What the picker says comes from the widget's template, in the page's language: data-found
// ("{n}" for the number), data-capped (after it when the server listed its 20 at most), data-none, data-failed and
// data-results (the group's label). Keyboard: type, then ArrowDown or Tab to the select; Enter in the box picks the
// first result.
(function () {
  function setup(picker) {
    const box = picker.querySelector("[data-unit-search]");
    const select = picker.querySelector("select");
    const status = picker.querySelector("[data-unit-status]");
    if (!box || !select) return;
    const says = picker.dataset;
    let timer = null;
    let asked = "";

    function resultsGroup() {
      let group = select.querySelector("optgroup[data-results]");
      if (!group) {
        group = document.createElement("optgroup");
        group.dataset.results = "";
        group.label = says.results;
        select.appendChild(group);
      }
      return group;
    }

    async function search() {
      const q = box.value.trim();
      if (q === asked) return;
      asked = q;
      const group = resultsGroup();
      if (!q) {
        group.replaceChildren();
        return;
      }
      const url = new URL(picker.dataset.searchUrl, location.href);
      url.searchParams.set("q", q);
      let data;
      try {
        const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
        if (!response.ok) throw new Error(String(response.status));
        data = await response.json();
      } catch (error) {
        status.textContent = says.failed;
        return;
      }
      if (q !== asked) return; // a newer search is under way
      const kept = select.value;
      const options = data.results.map((unit) => {
        const option = new Option(unit.group ? `${unit.label}（${unit.group}）` : unit.label, unit.value);
        option.dataset.result = "";
        return option;
      });
      group.replaceChildren(...options);
      if (options.length) {
        if (!kept || !select.querySelector(`option[value="${CSS.escape(kept)}"]:not([data-result])`)) {
          select.value = options[0].value;
        }
        const found = says.found.replace("{n}", options.length);
        status.textContent = options.length >= 20 ? `${found} ${says.capped}` : found;
      } else {
        status.textContent = says.none;
      }
    }

    box.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(search, 250);
    });
    box.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault(); // do not submit the form from the search box
        clearTimeout(timer);
        search().then(() => select.focus());
      } else if (event.key === "ArrowDown") {
        event.preventDefault();
        select.focus();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-unit-picker]").forEach(setup);
  });
})();
