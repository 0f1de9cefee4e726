import { serve } from "../_shared/adapter.ts";
import { handle, initSync } from "./pkg/erase_candidate.js";
initSync({ module: await Deno.readFile(new URL("./pkg/erase_candidate_bg.wasm", import.meta.url)) });
serve(handle);
