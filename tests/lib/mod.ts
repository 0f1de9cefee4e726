//! The end-to-end harness: one import for a test file.
//!   import { clientFor, signUp, requireStack } from "./lib/mod.ts";
export * from "./config.ts";
export * from "./db.ts";
export * from "./auth.ts";
export * from "./clients.ts";
export * from "./fakes.ts";
export * from "./stack.ts";
export * from "./assert.ts";
export * from "./functions.ts";
export * from "./function-env.ts";
export * from "./kept-alive.ts";
export * from "./mail.ts";
export * from "./browser.ts";
