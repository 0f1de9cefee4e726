import { serve } from "../../../deno-shims/adapter.ts";
import { handle } from "./pkg/analyze_resume.js";
serve(handle);
