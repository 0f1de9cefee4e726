import { serve } from "../../../deno-shims/adapter.ts";
import { handle } from "./pkg/transcript_processor.js";
serve(handle);
