import { serve } from "../_shared/adapter.ts";
import { handle } from "./pkg/analyze_resume.js";
serve(handle);
