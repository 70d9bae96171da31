// The unit picker (workorders/widgets/unit_picker.html) and the person picker (staffing/widgets/person_picker.html):
// typing in the search box asks the server (workorders:unit-search, staffing:person-search; scoped to the user)
// and fills the select's "搜索结果" group; the suggested units stay above. A result's group, when it has one, is
// shown after its label; data-noun and data-none say what is found (个单位 unless said). Keyboard: type, then
// ArrowDown or Tab to the select; Enter in the box picks the first result.
(function () {
  function setup(picker) {
    const box = picker.querySelector("[data-unit-search]");
    const select = picker.querySelector("select");
    const status = picker.querySelector("[data-unit-status]");
    if (!box || !select) return;
    const noun = picker.dataset.noun || "个单位";
    const none = picker.dataset.none || "没有找到名称相符的单位。";
    let timer = null;
    let asked = "";

    function resultsGroup() {
      let group = select.querySelector("optgroup[data-results]");
      if (!group) {
        group = document.createElement("optgroup");
        group.dataset.results = "";
        group.label = "搜索结果";
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
        status.textContent = "搜索失败，请稍后重试。";
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
        status.textContent = `找到 ${options.length} ${noun}${options.length >= 20 ? "（仅列出前 20 个，请输入更多字）" : ""}，已列在下拉框“搜索结果”中。`;
      } else {
        status.textContent = none;
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
