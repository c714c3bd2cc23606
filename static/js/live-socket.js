// A WebSocket to Flowdesk's live updates that reconnects with backoff.
// onFrame(frame) gets every JSON frame (including "hello" after each (re)connect);
// onState("connecting" | "live" | "offline" | "refused") tracks the connection.
// A socket closed with 4403 (not allowed) is not retried.

export function socketUrl(path) {
  const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${window.location.host}${path}`;
}

export class LiveSocket {
  constructor(path, { onFrame, onState = () => {} }) {
    this.path = path;
    this.onFrame = onFrame;
    this.onState = onState;
    this.delay = 500;
    this.closed = false;
    this.open();
  }

  open() {
    this.onState("connecting");
    const ws = new WebSocket(socketUrl(this.path));
    this.ws = ws;
    ws.addEventListener("open", () => { this.delay = 500; });
    ws.addEventListener("message", (message) => {
      let frame;
      try { frame = JSON.parse(message.data); } catch { return; }
      if (frame.type === "hello") this.onState("live");
      this.onFrame(frame);
    });
    ws.addEventListener("close", (event) => {
      if (this.closed) return;
      if (event.code === 4403) { this.onState("refused"); return; }
      this.onState("offline");
      window.setTimeout(() => this.open(), this.delay);
      this.delay = Math.min(this.delay * 2, 15000);
    });
  }

  close() {
    this.closed = true;
    if (this.ws) this.ws.close();
  }
}

// Read the events of an instance after `after` from the API, page by page (500 at most each).
export async function fetchEventsAfter(eventsUrl, after) {
  const all = [];
  let cursor = after;
  for (;;) {
    const response = await fetch(`${eventsUrl}?after=${cursor}&limit=500`, {
      credentials: "same-origin", headers: { Accept: "application/json" },
    });
    if (!response.ok) throw new Error(`events: HTTP ${response.status}`);
    const page = await response.json();
    all.push(...page);
    if (page.length < 500) return all;
    cursor = page[page.length - 1].seq;
  }
}
