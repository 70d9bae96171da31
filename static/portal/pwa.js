// The grid worker's app: installs the service worker, and keeps a report written with no network on the phone
// (IndexedDB, its photos included; online, the form posts as usual) until the network returns, then sends it once — each report carries its own Idempotency-Key,
// so a report sent twice (a retry after a lost answer) makes one order on the server.
(function () {
  const DB = "capillary-outbox";
  const STORE = "reports";

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => null);
  }

  function openDb() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "key" });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  function withStore(mode, work) {
    return openDb().then(
      (db) =>
        new Promise((resolve, reject) => {
          const tx = db.transaction(STORE, mode);
          const result = work(tx.objectStore(STORE));
          tx.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
          tx.onerror = () => reject(tx.error);
        })
    );
  }

  const outbox = {
    put: (item) => withStore("readwrite", (store) => store.put(item)),
    all: () => withStore("readonly", (store) => store.getAll()),
    remove: (key) => withStore("readwrite", (store) => store.delete(key)),
  };

  function newKey() {
    return (crypto.randomUUID && crypto.randomUUID()) || `${Date.now()}-${Math.random().toString(16).slice(2)}`;
  }

  // A photo is kept as its bytes (an ArrayBuffer) with its name and type, not as the File itself: every browser's
  // IndexedDB stores an ArrayBuffer, while a File read from a picker may be gone (or refused) by the time the
  // network returns.
  async function keepable(name, value) {
    if (!(value instanceof Blob)) return [name, value];
    if (!value.size && !value.name) return [name, { photo: true, empty: true }]; // no photo chosen
    return [name, { photo: true, name: value.name, type: value.type, bytes: await value.arrayBuffer() }];
  }

  function sendable(value) {
    if (!value || !value.photo) return [value];
    if (value.empty) return [new Blob([]), ""];
    return [new Blob([value.bytes], { type: value.type || "application/octet-stream" }), value.name];
  }

  function send(item) {
    const body = new FormData();
    for (const [name, value] of item.fields) body.append(name, ...sendable(value));
    return fetch(item.action, {
      method: "POST",
      body,
      credentials: "same-origin",
      headers: { "Idempotency-Key": item.key },
    });
  }

  function photosOf(items) {
    return items.reduce((n, item) => n + item.fields.filter(([, value]) => value && value.photo && !value.empty).length, 0);
  }

  function showPending(items) {
    const waiting = items.filter((item) => !item.refused).length;
    const refused = items.length - waiting;
    const photos = photosOf(items.filter((item) => !item.refused));
    document.documentElement.dataset.outboxCount = String(waiting);
    const note = document.querySelector("[data-outbox-note]");
    if (!note) return;
    note.hidden = items.length === 0;
    note.textContent =
      (waiting ? `有 ${waiting} 条上报${photos ? `（含 ${photos} 张照片）` : ""}保存在手机上，联网后自动提交。` : "") +
      (refused ? `有 ${refused} 条离线上报未被受理（内容有误），请重新填写。` : "");
  }

  let flushing = false;
  async function flush() {
    if (flushing || !navigator.onLine) return;
    flushing = true;
    let sent = 0;
    try {
      for (const item of await outbox.all()) {
        if (item.refused) continue;
        try {
          const response = await send(item);
          if (response.redirected || response.ok) {
            await outbox.remove(item.key);
            sent += 1;
          }
          else if (response.status >= 400 && response.status < 500) {
            // Refused (the form's errors): kept on the phone, not sent again; the note asks to report anew.
            await outbox.put({ ...item, refused: response.status });
          }
        } catch (error) {
          break; // still offline
        }
      }
    } finally {
      flushing = false;
      showPending(await outbox.all());
      const note = document.querySelector("[data-outbox-note]");
      if (sent && note && note.hidden) {
        note.hidden = false;
        note.textContent = `离线保存的 ${sent} 条上报已提交。`;
      }
    }
  }

  document.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-offline-queue")) return;
    if (navigator.onLine) return; // online: the ordinary post, its answer page and its message
    event.preventDefault();
    // The report's own key rides as the form's one-time token too: the page dedupes on the token (two reports
    // written on one page, without a reload between, are two reports; one report sent twice is one order).
    const key = newKey();
    const fields = await Promise.all(
      [...new FormData(form).entries()].map(([name, value]) => keepable(name, name === "form_token" ? key : value))
    );
    const item = { key, action: form.action || location.href, fields };
    await outbox.put({ ...item, saved_at: new Date().toISOString() });
    form.reset();
    for (const list of form.querySelectorAll("[data-photo-list]")) list.textContent = ""; // the photos went with it
    showPending(await outbox.all());
  });

  window.addEventListener("online", flush);
  document.addEventListener("DOMContentLoaded", () => {
    outbox.all().then(showPending).catch(() => null);
    flush();
  });
})();
