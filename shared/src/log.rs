//! Where server-side detail goes: the function's log (`console.error` in the isolate,
//! stderr natively). Never the response.

/// Log a line at error level.
pub fn error(line: &str) {
    #[cfg(target_arch = "wasm32")]
    crate::js::console_error(line);
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("{line}");
}
