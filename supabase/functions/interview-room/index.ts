import { serve } from "../_shared/adapter.ts";
import { handle } from "./pkg/interview_room.js";
serve(handle);
