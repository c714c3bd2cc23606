// The dashboard refreshes itself: every N seconds the page is fetched again and its
// content swapped in (the server caches the figures, so this is cheap). Paused while hidden.
const root = document.getElementById("dashboard");
const seconds = Number(root?.dataset.refreshSeconds || 15);

async function refresh() {
  if (document.hidden) return;
  try {
    const response = await fetch(window.location.href, { credentials: "same-origin" });
    if (!response.ok) return;
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = page.getElementById("dashboard");
    if (fresh) root.replaceChildren(...fresh.childNodes);
  } catch {
    // offline for a moment: try again next time
  }
}

if (root) window.setInterval(refresh, seconds * 1000);
