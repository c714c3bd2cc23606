// The instance list, live: when filtered by one workflow, rows of that workflow's instances
// change status as they run, and a note offers to show instances started since the page loaded.
import { LiveSocket } from "./live-socket.js";

const config = JSON.parse(document.getElementById("instance-list-config").textContent);
const shown = new Set(config.instances);
let started = 0;

function onFrame(frame) {
  if (frame.type !== "instances") return;
  const row = document.querySelector(`tr[data-instance="${frame.instance}"]`);
  for (const event of frame.events) {
    if (event.type === "instance_started" && !shown.has(frame.instance)) {
      started += 1;
      const note = document.getElementById("live-note");
      note.hidden = false;
      note.innerHTML = "";
      const link = document.createElement("a");
      link.href = window.location.pathname + window.location.search.replace(/([?&])(older|newer)=[^&]*/g, "$1");
      link.textContent = "show them";
      note.append(`${started} new instance${started === 1 ? "" : "s"} since this page loaded: `, link);
    } else if (row && event.payload && event.payload.status) {
      const badge = row.querySelector('[data-role="status"]');
      badge.className = `badge ${event.payload.status}`;
      badge.textContent = event.payload.status;
    }
  }
}

if (config.definition) new LiveSocket(`/ws/definitions/${encodeURIComponent(config.definition)}/`, { onFrame });
