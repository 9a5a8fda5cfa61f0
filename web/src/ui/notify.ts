// Telling the person about background agents: a browser notification when permitted, and the
// tab title (kept in sync with the store by the app).
import type { Notice } from "../lib/store";

/** Asks once, on a user gesture (browsers ignore requests made without one). */
export function askNotificationPermission(): void {
  if ("Notification" in window && Notification.permission === "default") {
    void Notification.requestPermission();
  }
}

export function showNotice(notice: Notice, onClick: () => void): void {
  if (!("Notification" in window) || Notification.permission !== "granted") return;
  const n = new Notification(notice.title, { body: notice.body, tag: notice.workspaceId });
  n.onclick = () => {
    window.focus();
    onClick();
    n.close();
  };
}
