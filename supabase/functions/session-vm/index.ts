import { serve } from "../_shared/adapter.ts";
import { handle, initSync } from "./pkg/session_vm.js";
initSync({ module: await Deno.readFile(new URL("./pkg/session_vm_bg.wasm", import.meta.url)) });
serve(handle);
