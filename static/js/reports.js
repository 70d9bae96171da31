// The report build page: poll the build's status every two seconds until it is finished or failed, and
// show the download link when it is there. Without JavaScript the page says to reload.
(() => {
  const panel = document.querySelector(".report-build");
  if (!panel) return;
  const field = (name) => panel.querySelector(`[data-field="${name}"]`);
  const update = (status) => {
    field("status_label").textContent = status.status_label;
    field("message").textContent = status.message || "";
    field("progress").value = status.progress;
    field("progress").textContent = `${status.progress}%`;
    if (status.download_url && !field("download").querySelector("a")) {
      const link = document.createElement("a");
      link.className = "button button-primary";
      link.href = status.download_url;
      link.textContent = panel.dataset.downloadLabel || "下载 PDF";
      field("download").append(link);
    }
    // this version's row in the table of versions says the same
    const row = document.querySelector(`[data-build-row="${status.id}"]`);
    if (row) {
      row.querySelector('[data-row="status_label"]').textContent = status.status_label;
      const cell = row.querySelector('[data-row="download"]');
      if (status.download_url && !cell.querySelector("a")) {
        const link = document.createElement("a");
        link.href = status.download_url;
        link.textContent = panel.dataset.rowDownloadLabel || "下载";
        cell.append(link);
      }
    }
    panel.dataset.status = status.status;
  };
  const poll = async () => {
    if (panel.dataset.status === "done" || panel.dataset.status === "failed") return;
    try {
      const response = await fetch(panel.dataset.statusUrl, { headers: { Accept: "application/json" } });
      if (response.ok) update(await response.json());
    } catch (error) {
      // a lost connection: try again on the next tick
    }
    setTimeout(poll, 2000);
  };
  setTimeout(poll, 1000);
})();
