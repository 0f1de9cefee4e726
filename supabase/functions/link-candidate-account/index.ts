import { serve } from "../_shared/adapter.ts";
import { handle, initSync } from "./pkg/link_candidate_account.js";
initSync({ module: await Deno.readFile(new URL("./pkg/link_candidate_account_bg.wasm", import.meta.url)) });
serve(handle);
