/** Save text or a data URL as a file the browser downloads. */
export function downloadUrl(url: string, fileName: string): void {
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
}

export function downloadText(text: string, fileName: string, mime = "application/json"): void {
  const url = URL.createObjectURL(new Blob([text], { type: mime }));
  downloadUrl(url, fileName);
  window.setTimeout(() => URL.revokeObjectURL(url), 1000);
}
