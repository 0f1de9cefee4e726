import { serve } from "../../../deno-shims/adapter.ts";
import { handle } from "./pkg/generate_position.js";
serve(handle);
