import { serve } from "../_shared/adapter.ts";
import { handle } from "./pkg/generate_position.js";
serve(handle);
