import { serve } from "../_shared/adapter.ts";
import { handle } from "./pkg/session_vm.js";
serve(handle);
