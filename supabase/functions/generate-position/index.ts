import { serve } from "../_shared/adapter.ts";
import { handle, initSync } from "./pkg/generate_position.js";
initSync({ module: await Deno.readFile(new URL("./pkg/generate_position_bg.wasm", import.meta.url)) });
serve(handle);
