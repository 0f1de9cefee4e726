//! The vendor contract fakes, one import for a test file:
//!   import { startOpenAiFake, chat, vendorKeys } from "./fakes/mod.ts";
//! Each `start<Vendor>Fake()` listens on its FAKE_PORTS port (tests/lib/fakes.ts), where
//! tests/fakes/fakes.env points the functions; `await using` closes it at the end of a test.
export * from "./keys.ts";
export * from "./openai.ts";
export * from "./pdfco.ts";
export * from "./pdl.ts";
export * from "./videosdk.ts";
export * from "./fly.ts";
