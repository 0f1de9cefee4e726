import { serve } from "../../../deno-shims/adapter.ts";
import { handle } from "./pkg/session_vm.js";
serve(handle);
