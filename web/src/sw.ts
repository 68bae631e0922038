// The service worker: the app shell is precached at install (its list and version come from the
// build), so the portal opens offline; the trust list and revocation list are fetched network
// first and kept, so the verifier works offline with the last lists it saw. Nothing else from
// the API is cached (a citizen's record must never be kept on a shared device).
declare const __SHELL__: string[];
declare const __VERSION__: string;
const sw = self as unknown as ServiceWorkerGlobalScope;

const SHELL_CACHE = `vaxreg-shell-${__VERSION__}`;
const LISTS_CACHE = "vaxreg-lists";
const LISTS = ["/api/v1/trust-list", "/api/v1/revocation-list", "/.well-known/jwks.json"];
const isList = (path: string) => LISTS.includes(path) || /^\/\.well-known\/crl\/[^/]+\.json$/.test(path);

sw.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(SHELL_CACHE).then((c) => c.addAll(__SHELL__)).then(() => sw.skipWaiting()),
  );
});

sw.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("vaxreg-shell-") && k !== SHELL_CACHE).map((k) => caches.delete(k))))
      .then(() => sw.clients.claim()),
  );
});

async function networkFirst(request: Request): Promise<Response> {
  const cache = await caches.open(LISTS_CACHE);
  try {
    const fresh = await fetch(request);
    if (fresh.ok) await cache.put(request.url.split("?")[0], fresh.clone());
    return fresh;
  } catch {
    const kept = await cache.match(request.url.split("?")[0]);
    if (kept) return kept;
    throw new Error("offline and no saved list");
  }
}

async function shellFirst(request: Request): Promise<Response> {
  const cache = await caches.open(SHELL_CACHE);
  const url = new URL(request.url);
  const hit = await cache.match(url.pathname);
  if (hit) return hit;
  try {
    return await fetch(request);
  } catch (e) {
    // A client-side route opened offline: the shell answers it.
    if (request.mode === "navigate") {
      const shell = await cache.match("/index.html");
      if (shell) return shell;
    }
    throw e;
  }
}

sw.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== sw.location.origin) return;
  if (isList(url.pathname)) {
    event.respondWith(networkFirst(request));
    return;
  }
  if (url.pathname.startsWith("/api/")) return;  // never cached
  if (request.mode === "navigate") {
    // Online: the network (fresh index.html); offline: the shell.
    event.respondWith(fetch(request).catch(() => shellFirst(request)));
    return;
  }
  event.respondWith(shellFirst(request));
});
