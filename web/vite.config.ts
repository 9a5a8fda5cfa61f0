// Vite build of the web UI. The CMake build runs `vite build --outDir <build dir> --emptyOutDir`
// and embeds the result into the binary (scripts/embed-assets.mjs); `npm run dev` serves the UI
// with hot reload and forwards the API to a running daemon.
import { defineConfig } from "vite";

// Vite's config runs in Node; the project has no @types/node for this one use.
declare const process: { env: Record<string, string | undefined> };

// `parawork serve` listens on 3000 by default; PARAWORK_DAEMON_URL points the dev server at
// another daemon (a test's private one, say).
const daemon = process.env["PARAWORK_DAEMON_URL"] ?? "http://127.0.0.1:3000";

export default defineConfig({
  build: {
    // Content-hashed names under assets/ are what lets the server cache them as immutable.
    assetsDir: "assets",
    // Keep every asset a separate file: data: URLs would dodge the embedded ETag/caching logic.
    assetsInlineLimit: 0,
    sourcemap: false,
    reportCompressedSize: false,
  },
  server: {
    // Same host as the daemon's login link, so its SameSite=Strict cookie (cookies ignore the
    // port) reaches the dev server and is forwarded to the daemon.
    host: "127.0.0.1",
    port: 5173,
    strictPort: true,
    proxy: {
      "/api": {
        target: daemon,
        ws: true,
        // The daemon only accepts its own Host and Origin (DNS rebinding and CSRF checks); the
        // proxy speaks for the page. The cookie's SameSite=Strict still keeps other sites out.
        changeOrigin: true,
        headers: { origin: daemon },
      },
    },
  },
});
