import { serve } from "../_shared/adapter.ts";
import { handle } from "./pkg/transcript_processor.js";
serve(handle);
