import { serve } from "../_shared/adapter.ts";
import { handle, initSync } from "./pkg/analyze_resume.js";
initSync({ module: await Deno.readFile(new URL("./pkg/analyze_resume_bg.wasm", import.meta.url)) });
serve(handle);
