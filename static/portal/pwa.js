// The grid worker's app: installs the service worker, and keeps a report written with no network on the phone
// (IndexedDB) until the network returns, then sends it once — each report carries its own Idempotency-Key,
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

  function send(item) {
    const body = new FormData();
    for (const [name, value] of item.fields) body.append(name, value);
    return fetch(item.action, {
      method: "POST",
      body,
      credentials: "same-origin",
      headers: { "Idempotency-Key": item.key },
    });
  }

  function showPending(count) {
    const note = document.querySelector("[data-outbox]");
    if (!note) return;
    note.hidden = count === 0;
    note.textContent = count ? `有 ${count} 条上报保存在手机上，联网后自动提交。` : "";
    document.body.dataset.outbox = String(count);
  }

  let flushing = false;
  async function flush() {
    if (flushing || !navigator.onLine) return;
    flushing = true;
    try {
      for (const item of await outbox.all()) {
        try {
          const response = await send(item);
          if (response.ok || response.redirected || response.status === 409) await outbox.remove(item.key);
          else if (response.status >= 400 && response.status < 500) await outbox.remove(item.key); // refused: not retried
        } catch (error) {
          break; // still offline
        }
      }
    } finally {
      flushing = false;
      showPending((await outbox.all()).length);
    }
  }

  document.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-offline-queue")) return;
    event.preventDefault();
    const item = { key: newKey(), action: form.action || location.href, fields: [...new FormData(form).entries()] };
    try {
      const response = await send(item);
      if (response.redirected) {
        location.assign(response.url);
        return;
      }
      document.open();
      document.write(await response.text()); // the form with its errors, as the server rendered it
      document.close();
    } catch (error) {
      await outbox.put({ ...item, saved_at: new Date().toISOString() });
      form.reset();
      showPending((await outbox.all()).length);
    }
  });

  window.addEventListener("online", flush);
  document.addEventListener("DOMContentLoaded", () => {
    outbox.all().then((items) => showPending(items.length)).catch(() => null);
    flush();
  });
})();
