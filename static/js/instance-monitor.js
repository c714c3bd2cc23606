// The instance page, live: colours graph nodes, updates step rows, the status badge, the
// operation buttons and the event log from /ws/instances/<id>/. Every frame carries the
// instance's event sequence number; a gap (or a reconnect) is filled from the events API,
// so nothing is missed and nothing is applied twice.
import { LiveSocket, fetchEventsAfter } from "./live-socket.js";

const config = JSON.parse(document.getElementById("instance-monitor-config").textContent);
const FINAL = new Set(["completed", "failed", "cancelled", "compensated"]);
const state = { seq: config.seq, status: config.status, nodes: { ...config.nodes }, catchingUp: null, applied: 0 };
window.flowdeskMonitor = state;  // read-only view for tests and the curious

function colourNode(nodeId, status) {
  state.nodes[nodeId] = status;
  for (const group of document.querySelectorAll("#graph g.node")) {
    if (group.dataset.nodeId === nodeId) {
      group.dataset.status = status;
      const title = group.querySelector("title");
      if (title && !title.dataset.base) title.dataset.base = title.textContent;
      if (title) title.textContent = `${title.dataset.base} (${status})`;
    }
  }
}

function setBadge(element, status) {
  if (!element) return;
  element.className = `badge ${status}`;
  element.textContent = status;
}

function showOperations(status) {
  const moving = status === "running" || status === "suspended";
  for (const form of document.querySelectorAll("#operations form[data-op]")) {
    const op = form.dataset.op;
    form.hidden = !((op === "suspend" && status === "running") || (op === "resume" && status === "suspended") || (op === "cancel" && moving));
  }
}

const STEP_DONE = new Set(["succeeded", "failed", "skipped", "cancelled", "compensated", "compensation_failed"]);

// Times as the server renders them (UTC): "HH:MM:SS.mmm" and "YYYY-MM-DD HH:MM:SS".
const clock = (iso) => new Date(iso).toISOString().slice(11, 23);
const stamp = (iso) => new Date(iso).toISOString().slice(0, 19).replace("T", " ");

function cell(text, className = "") {
  const td = document.createElement("td");
  if (className) td.className = className;
  td.textContent = text;
  return td;
}

function addStepRow(event) {
  // A step created after the page loaded: its creation event names the node type and visit.
  const payload = event.payload || {};
  const row = document.createElement("tr");
  row.dataset.step = event.step_id;
  row.dataset.node = event.node_id;
  const badge = document.createElement("span");
  badge.dataset.role = "status";
  const status = cell("");
  status.append(badge);
  const attempt = cell(payload.attempt ? String(payload.attempt) : "");
  attempt.dataset.role = "attempt";
  const error = cell(payload.error ? payload.error.message || payload.error.type || "" : "", "small error");
  row.append(
    cell(payload.visit > 1 ? `${event.node_id} #${payload.visit}` : event.node_id),
    cell(payload.node_type || ""), status, attempt, cell(clock(event.created_at)), cell(""), cell("", "small"), error,
  );
  if (config.operator) row.append(cell(""));
  document.querySelector("#steps tbody").append(row);
  document.getElementById("steps-note").hidden = false;  // buttons and durations come with a reload
  return row;
}

function updateStep(event) {
  const status = event.payload && event.payload.status;
  const row = document.querySelector(`#steps tr[data-step="${event.step_id}"]`) || addStepRow(event);
  setBadge(row.querySelector('[data-role="status"]'), status);
  if (event.payload.attempt) row.querySelector('[data-role="attempt"]').textContent = event.payload.attempt;
  if (STEP_DONE.has(status)) row.querySelectorAll(".step-ops form").forEach((form) => form.remove());
  row.classList.add("fresh");
  window.setTimeout(() => row.classList.remove("fresh"), 1500);
}

function logEvent(event) {
  const list = document.getElementById("events");
  const item = document.createElement("li");
  item.dataset.seq = event.seq;
  item.className = "fresh";
  const seq = document.createElement("span");
  seq.className = "seq";
  seq.textContent = `#${event.seq}`;
  const time = document.createElement("time");
  time.dateTime = event.created_at;
  time.textContent = clock(event.created_at);
  const type = document.createElement("strong");
  type.textContent = event.type;
  item.append(seq, " ", time, " ", type, event.node_id ? ` ${event.node_id}` : "");
  list.append(item);
  list.scrollTop = list.scrollHeight;
  window.setTimeout(() => item.classList.remove("fresh"), 2000);
}

function apply(event) {
  if (event.seq <= state.seq) return;  // already shown (a frame and a catch-up can overlap)
  state.seq = event.seq;
  state.applied += 1;
  const status = event.payload && event.payload.status;
  if (event.step_id && event.node_id && status) {
    colourNode(event.node_id, status);
    updateStep(event);
  } else if (event.type.startsWith("instance_") && status) {
    state.status = status;
    setBadge(document.getElementById("instance-status"), status);
    showOperations(status);
    if (FINAL.has(status)) document.getElementById("finished-at").textContent = stamp(event.created_at);
  }
  document.getElementById("last-seq").textContent = String(state.seq);
  logEvent(event);
}

async function catchUp() {
  // One catch-up at a time; frames arriving meanwhile are applied after it (apply() skips old seqs).
  if (!state.catchingUp) {
    state.catchingUp = fetchEventsAfter(config.eventsUrl, state.seq)
      .then((events) => events.forEach(apply))
      .catch((error) => console.warn("could not fetch missed events", error))
      .finally(() => { state.catchingUp = null; });
  }
  return state.catchingUp;
}

async function onFrame(frame) {
  if (frame.type === "hello") {
    if (frame.seq > state.seq) await catchUp();
    return;
  }
  if (frame.type !== "events" || !frame.events.length) return;
  if (state.catchingUp) await state.catchingUp;
  if (frame.events[0].seq > state.seq + 1) await catchUp();  // a gap: read what we missed first
  frame.events.forEach(apply);
}

function onState(connection) {
  const badge = document.getElementById("connection");
  badge.dataset.state = connection;
  badge.textContent = { connecting: "connecting…", live: "live", offline: "reconnecting…", refused: "not allowed" }[connection];
}

for (const [nodeId, status] of Object.entries(config.nodes)) colourNode(nodeId, status);
new LiveSocket(config.socketPath, { onFrame, onState });
