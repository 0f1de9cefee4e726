import { serve } from "../_shared/adapter.ts";
import { handle, initSync } from "./pkg/process_resume.js";
initSync({ module: await Deno.readFile(new URL("./pkg/process_resume_bg.wasm", import.meta.url)) });
serve(handle);
