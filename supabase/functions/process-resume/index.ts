import { serve } from "../_shared/adapter.ts";
import { handle } from "./pkg/process_resume.js";
serve(handle);
