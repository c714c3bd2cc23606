/** Small inline line icons, looked up by the names the API sends (`icon` of node types and actions). */
import { memo } from "react";

const PATHS: Record<string, string> = {
  play: "M7 5l12 7-12 7z",
  start: "M7 5l12 7-12 7z",
  stop: "M6 6h12v12H6z",
  end: "M6 6h12v12H6z",
  flag: "M5 21V4m0 0h11l-2 4 2 4H5",
  cog: "M12 15a3 3 0 100-6 3 3 0 000 6zM19.4 15a1.7 1.7 0 00.3 1.8l.1.1a2 2 0 11-2.8 2.8l-.1-.1a1.7 1.7 0 00-2.9 1.2V21a2 2 0 11-4 0v-.1a1.7 1.7 0 00-2.9-1.2l-.1.1a2 2 0 11-2.8-2.8l.1-.1a1.7 1.7 0 00-1.2-2.9H3a2 2 0 110-4h.1a1.7 1.7 0 001.2-2.9l-.1-.1a2 2 0 112.8-2.8l.1.1A1.7 1.7 0 0010 3.1V3a2 2 0 114 0v.1a1.7 1.7 0 002.9 1.2l.1-.1a2 2 0 112.8 2.8l-.1.1a1.7 1.7 0 001.2 2.9h.1a2 2 0 110 4h-.1a1.7 1.7 0 00-1.5 1z",
  repeat: "M17 2l4 4-4 4M3 11V9a3 3 0 013-3h15M7 22l-4-4 4-4m14-1v2a3 3 0 01-3 3H3",
  mail: "M4 5h16v14H4zM4 6l8 7 8-7",
  log: "M5 4h14v16H5zM8 8h8M8 12h8M8 16h5",
  alert: "M12 3l10 18H2zM12 10v4m0 3v.5",
  user: "M12 12a4 4 0 100-8 4 4 0 000 8zM4 21a8 8 0 0116 0",
  "user-check": "M10 12a4 4 0 100-8 4 4 0 000 8zM2 21a8 8 0 0114-5.3M16 19l2 2 4-4",
  check: "M4 12l5 5L20 6",
  "git-branch": "M6 3v12M18 9a3 3 0 100-6 3 3 0 000 6zM6 21a3 3 0 100-6 3 3 0 000 6zM18 9a9 9 0 01-9 9",
  condition: "M12 2l10 10-10 10L2 12z",
  diamond: "M12 2l10 10-10 10L2 12z",
  split: "M4 12h6m0 0l8-7m-8 7l8 7m0-14h2m-2 14h2",
  parallel: "M4 12h4m0 0v-6h12M8 12v6h12M8 12h12",
  merge: "M4 6h4l6 6h6M4 18h4l6-6",
  join: "M4 6h4l6 6h6M4 18h4l6-6",
  clock: "M12 21a9 9 0 100-18 9 9 0 000 18zM12 7v5l3 2",
  timer: "M12 21a8 8 0 100-16 8 8 0 000 16zM12 9v4l2 2M9 2h6",
  bell: "M6 16V11a6 6 0 1112 0v5l2 2H4zM10 21h4",
  radio: "M12 13a1 1 0 100-2 1 1 0 000 2zM8.5 8.5a5 5 0 000 7m7 0a5 5 0 000-7M5.6 5.6a9 9 0 000 12.8m12.8 0a9 9 0 000-12.8",
  signal: "M12 13a1 1 0 100-2 1 1 0 000 2zM8.5 8.5a5 5 0 000 7m7 0a5 5 0 000-7M5.6 5.6a9 9 0 000 12.8m12.8 0a9 9 0 000-12.8",
  layers: "M12 3l9 5-9 5-9-5zM3 13l9 5 9-5",
  workflow: "M4 4h6v6H4zM14 14h6v6h-6zM7 10v4a3 3 0 003 3h4",
  subworkflow: "M4 4h6v6H4zM14 14h6v6h-6zM7 10v4a3 3 0 003 3h4",
  variable: "M8 4c-2 0-3 1-3 3v2l-2 3 2 3v2c0 2 1 3 3 3m8-16c2 0 3 1 3 3v2l2 3-2 3v2c0 2-1 3-3 3M9 9l6 6m0-6l-6 6",
  set: "M8 4c-2 0-3 1-3 3v2l-2 3 2 3v2c0 2 1 3 3 3m8-16c2 0 3 1 3 3v2l2 3-2 3v2c0 2-1 3-3 3M9 9l6 6m0-6l-6 6",
  edit: "M4 20h4L19 9l-4-4L4 16zM13 7l4 4",
  undo: "M9 14L4 9l5-5M4 9h10a6 6 0 010 12h-3",
  redo: "M15 14l5-5-5-5m5 5H10a6 6 0 000 12h3",
  save: "M5 3h11l3 3v15H5zM8 3v6h8V3M8 21v-7h8v7",
  upload: "M12 16V4m0 0l-5 5m5-5l5 5M4 20h16",
  download: "M12 4v12m0 0l-5-5m5 5l5-5M4 20h16",
  layout: "M3 3h7v7H3zM14 3h7v4h-7zM14 11h7v10h-7zM3 14h7v7H3z",
  fit: "M4 9V4h5M20 9V4h-5M4 15v5h5M20 15v5h-5",
  rocket: "M12 15l-3-3c1-4 4-8 10-9-1 6-5 9-9 10zM9 12H5l3-4h4m0 7v4l4-3v-4M6 17c-1 1-2 4-2 4s3-1 4-2",
  simulate: "M4 12h4l3-7 4 14 3-7h2",
  history: "M3 12a9 9 0 109-9 9 9 0 00-7 3.3M3 4v4h4M12 8v5l3 2",
  close: "M6 6l12 12M18 6L6 18",
  plus: "M12 5v14M5 12h14",
  trash: "M4 7h16M9 7V4h6v3m-8 0l1 13h8l1-13",
  inputs: "M4 6h16M4 12h10M4 18h6",
  warning: "M12 3l10 18H2zM12 10v4m0 3v.5",
  list: "M8 6h12M8 12h12M8 18h12M4 6h.01M4 12h.01M4 18h.01",
  eye: "M2 12s4-7 10-7 10 7 10 7-4 7-10 7S2 12 2 12zM12 15a3 3 0 100-6 3 3 0 000 6z",
  compare: "M8 3v18M16 3v18M4 7h4M16 17h4",
  copy: "M8 8h12v12H8zM4 16V4h12",
  image: "M4 4h16v16H4zM4 16l5-5 4 4 3-3 4 4M15 9h.01",
};

export const iconNames = Object.keys(PATHS);

/** The path of an icon by name (or by the first word of a dotted or dashed name); undefined when unknown (drawn as a dot). */
export function iconPath(name: string): string | undefined {
  return PATHS[name] ?? PATHS[name.split(/[-_.]/)[0] ?? ""];
}

export const Icon = memo(function Icon({ name, size = 18, title }: { name: string; size?: number; title?: string }) {
  const path = iconPath(name);
  return (
    <svg
      className="icon"
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.8}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden={title ? undefined : true}
      role={title ? "img" : undefined}
    >
      {title && <title>{title}</title>}
      {path ? <path d={path} /> : <circle cx="12" cy="12" r="5" />}
    </svg>
  );
});
