// Entry point: renders the app, starts the event stream, and exposes a small read-only debug
// handle (`window.parawork`) that the browser tests and a curious person can use.
import { render } from "preact";
import "./style.css";
import { App } from "./ui/app";
import { start, store } from "./ui/controller";
import { screenText, terminalSize } from "./ui/terminal_pool";

declare global {
  interface Window {
    parawork: {
      state: () => ReturnType<typeof store.get>;
      screen: (sessionId: string) => string | null;
      size: (sessionId: string) => { cols: number; rows: number } | null;
    };
  }
}

window.parawork = { state: () => store.get(), screen: screenText, size: terminalSize };
start();
render(<App />, document.getElementById("app")!);
