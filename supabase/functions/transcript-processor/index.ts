import { serve } from "../_shared/adapter.ts";
import { handle, initSync } from "./pkg/transcript_processor.js";
initSync({ module: await Deno.readFile(new URL("./pkg/transcript_processor_bg.wasm", import.meta.url)) });
serve(handle);
