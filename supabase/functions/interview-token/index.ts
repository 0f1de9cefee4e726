import { serve } from "../_shared/adapter.ts";
import { handle, initSync } from "./pkg/interview_token.js";
initSync({ module: await Deno.readFile(new URL("./pkg/interview_token_bg.wasm", import.meta.url)) });
serve(handle);
