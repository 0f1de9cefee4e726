import { serve } from "../_shared/adapter.ts";
import { handle, initSync } from "./pkg/invite_candidate.js";
initSync({ module: await Deno.readFile(new URL("./pkg/invite_candidate_bg.wasm", import.meta.url)) });
serve(handle);
