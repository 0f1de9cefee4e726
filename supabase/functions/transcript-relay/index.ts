import { serveSocket } from "../_shared/socket.ts";
import { handle, socket_message, socket_open } from "./pkg/transcript_relay.js";
serveSocket(handle, { open: socket_open, message: socket_message });
