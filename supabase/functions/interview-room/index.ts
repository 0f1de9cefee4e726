import { serve } from "../_shared/adapter.ts";
import { handle, initSync } from "./pkg/interview_room.js";
initSync({ module: await Deno.readFile(new URL("./pkg/interview_room_bg.wasm", import.meta.url)) });
serve(handle);
