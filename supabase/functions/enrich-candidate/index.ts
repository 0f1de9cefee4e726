import { serve } from "../_shared/adapter.ts";
import { handle, initSync } from "./pkg/enrich_candidate.js";
initSync({ module: await Deno.readFile(new URL("./pkg/enrich_candidate_bg.wasm", import.meta.url)) });
serve(handle);
