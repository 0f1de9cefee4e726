//! The test credentials each vendor fake accepts, and the env overlays that give them to a
//! function. tests/fakes/fakes.env sets only the vendors' base URLs (pointed at the fakes)
//! and the non-secret Fly settings, so by default (`scripts/stack.sh start --test`) every
//! function runs on its embedded defaults, as on a fresh machine; a test that wants a
//! vendor turns its key on for one function:
//!
//!   await withFunctionEnv("analyze-resume", vendorKeys("openai"), async () => { ... });
//!
//! Because the base URLs are always the fakes', a key switched on can never reach the
//! real vendor.

export const FAKE_KEYS = {
  openai: "sk-test-fake-openai",
  pdfco: "pdfco-test-fake-key",
  pdl: "pdl-test-fake-key",
  videosdk: { key: "videosdk-test-key", secret: "videosdk-test-secret-0123456789" },
  fly: "fly-test-fake-token",
} as const;

/** Fly settings fakes.env sets (not secrets; without FLY_API_TOKEN they configure nothing). */
export const FAKE_FLY_APP = "interviews-test";
export const FAKE_FLY_IMAGE = "registry.fly.io/interviews-test:e2e";

export type Vendor = keyof typeof FAKE_KEYS;

/** The env keys that switch these vendors on (their fakes' test credentials). */
export function vendorKeys(...vendors: Vendor[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const v of vendors) {
    if (v === "openai") env.OPENAI_API_KEY = FAKE_KEYS.openai;
    if (v === "pdfco") env.PDFCO_API_KEY = FAKE_KEYS.pdfco;
    if (v === "pdl") env.PDL_API_KEY = FAKE_KEYS.pdl;
    if (v === "videosdk") {
      env.VIDEOSDK_API_KEY = FAKE_KEYS.videosdk.key;
      env.VIDEOSDK_SECRET = FAKE_KEYS.videosdk.secret;
    }
    if (v === "fly") env.FLY_API_TOKEN = FAKE_KEYS.fly;
  }
  return env;
}

/** Every vendor key: a function with this overlay has all vendors, on the fakes. */
export const ALL_VENDOR_KEYS = vendorKeys("openai", "pdfco", "pdl", "videosdk", "fly");

/** The overlay that removes every vendor key (`null` removes a key). */
export const NO_VENDOR_KEYS: Record<string, null> = Object.fromEntries(
  Object.keys(ALL_VENDOR_KEYS).map((k) => [k, null]),
);
