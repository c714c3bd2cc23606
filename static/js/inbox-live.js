// The inbox, live: when /ws/inbox/ says one of the signed-in person's tasks appeared, was
// claimed, decided or closed, the rows are fetched again (the page's own filters and page)
// and swapped in. Without script (or without a socket) the inbox still works by reloading.
import { LiveSocket } from "./live-socket.js";

const region = document.querySelector('[data-live-region="approvals-inbox"]');
let pending = null;

async function refresh() {
  const response = await fetch(region.dataset.refreshUrl, { credentials: "same-origin" });
  if (!response.ok) return;
  const checked = new Set([...region.querySelectorAll('input[name="task"]:checked')].map((box) => box.value));
  region.innerHTML = await response.text();
  for (const box of region.querySelectorAll('input[name="task"]')) box.checked = checked.has(box.value);
  // The fragment names its own URL as where to come back to; come back to the page instead.
  const back = region.querySelector('input[name="next"]');
  if (back) back.value = window.location.pathname + window.location.search;
  if (window.FlowdeskInbox) window.FlowdeskInbox.bind();
  region.dataset.refreshed = String(Number(region.dataset.refreshed || 0) + 1);
}

function onFrame(frame) {
  if (frame.type !== "tasks") return;
  // Several frames in a burst (a decision settles a step, expiring its other tasks): one fetch.
  if (pending) window.clearTimeout(pending);
  pending = window.setTimeout(() => { pending = null; refresh().catch(() => {}); }, 150);
}

if (region) {
  new LiveSocket("/ws/inbox/", { onFrame, onState: (state) => { region.dataset.live = state; } });
}
