import { serveSocket } from "../_shared/socket.ts";
import { handle, socket_message, socket_open, initSync } from "./pkg/transcript_relay.js";
initSync({ module: await Deno.readFile(new URL("./pkg/transcript_relay_bg.wasm", import.meta.url)) });
serveSocket(handle, { open: socket_open, message: socket_message });
