//! The TypeScript contract of the edge functions, written from their Rust types.
//!
//! [`module`] is the text of `contract/functions.ts`: for each function in [`FUNCTIONS`]
//! its request body, its 2xx answer and the errors it declares (`ERRORS`, as
//! `{code: status}`), every type those name (derived with ts-rs behind each crate's `ts`
//! feature), and the typed `invoke` helper of `src/invoke.ts`. `npm run types` writes it;
//! `npm run types -- --check` fails when the committed file differs.

use std::any::TypeId;
use std::collections::{BTreeMap, HashSet};

use shared::contract::{flatten, Errors};
use ts_rs::{Config, TypeVisitor, TS};

/// One edge function as the contract shows it.
pub struct Function {
    /// Its route name, `/functions/v1/<name>`.
    pub name: &'static str,
    /// The request body's TypeScript type.
    pub input: String,
    /// The 2xx answer's TypeScript type.
    pub output: String,
    pub errors: Errors,
    /// Collects the declarations `input` and `output` name.
    declare: fn(&mut Declarations),
}

/// Every function, by name. A function whose body is not one JSON type says so here:
/// `process-resume` also takes multipart `FormData`; `session-vm` answers a machine for
/// `start`/`stop` and the reaper's count for `reap`.
pub fn functions(cfg: &Config) -> Vec<Function> {
    fn of<I: TS + 'static + ?Sized, O: TS + 'static + ?Sized>(
        cfg: &Config,
        name: &'static str,
        errors: Errors,
    ) -> Function {
        Function {
            name,
            input: I::name(cfg),
            output: O::name(cfg),
            errors,
            declare: |d| {
                d.add::<I>();
                d.add::<O>();
            },
        }
    }
    let mut process_resume = of::<process_resume::input::JsonInput, process_resume::Output>(
        cfg,
        "process-resume",
        process_resume::ERRORS,
    );
    process_resume.input = format!("{} | FormData", process_resume.input);
    let mut session_vm =
        of::<session_vm::Input, session_vm::Answer>(cfg, "session-vm", session_vm::ERRORS);
    session_vm.output = format!(
        "{} | {}",
        session_vm.output,
        session_vm::reaper::Reaped::name(cfg)
    );
    session_vm.declare = |d| {
        d.add::<session_vm::Input>();
        d.add::<session_vm::Answer>();
        d.add::<session_vm::reaper::Reaped>();
    };
    vec![
        of::<analyze_resume::Input, resume_pipeline::analyze::Analysis>(
            cfg,
            "analyze-resume",
            analyze_resume::ERRORS,
        ),
        of::<enrich_candidate::Input, enrich_candidate::Output>(
            cfg,
            "enrich-candidate",
            enrich_candidate::ERRORS,
        ),
        of::<erase_candidate::Input, erase_candidate::Output>(
            cfg,
            "erase-candidate",
            erase_candidate::ERRORS,
        ),
        of::<generate_position::input::Body, generate_position::Output>(
            cfg,
            "generate-position",
            generate_position::ERRORS,
        ),
        of::<interview::SessionInput, interview_room::Output>(
            cfg,
            "interview-room",
            interview_room::ERRORS,
        ),
        of::<interview::SessionInput, interview_token::Output>(
            cfg,
            "interview-token",
            interview_token::ERRORS,
        ),
        of::<invite_candidate::Input, invite_candidate::Output>(
            cfg,
            "invite-candidate",
            invite_candidate::ERRORS,
        ),
        of::<link_candidate_account::Input, link_candidate_account::Output>(
            cfg,
            "link-candidate-account",
            link_candidate_account::ERRORS,
        ),
        process_resume,
        session_vm,
        of::<interview::SessionInput, transcript_processor::Output<'static>>(
            cfg,
            "transcript-processor",
            transcript_processor::ERRORS,
        ),
        of::<transcript_relay::Batch, transcript_relay::relay::Counts>(
            cfg,
            "transcript-relay",
            transcript_relay::ERRORS,
        ),
    ]
}

/// The configuration every type is written with: JSON has one number type, so `u64`
/// fields (Unix times) are `number`, not `bigint`.
pub fn config() -> Config {
    Config::new().with_large_int("number")
}

/// The declarations of the named types and of every type they use, by TypeScript name.
pub struct Declarations<'a> {
    cfg: &'a Config,
    seen: HashSet<TypeId>,
    decls: BTreeMap<String, String>,
    clashes: Vec<String>,
}

impl Declarations<'_> {
    fn add<T: TS + 'static + ?Sized>(&mut self) {
        self.visit::<T>();
    }
}

impl TypeVisitor for Declarations<'_> {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        // Primitives, `Vec`, `Option` and the like have no declaration of their own.
        if T::output_path().is_none() || !self.seen.insert(TypeId::of::<T>()) {
            return;
        }
        let name = T::ident(self.cfg);
        let docs = T::docs()
            .map(|d| format!("{}\n", d.trim_end()))
            .unwrap_or_default();
        let decl = format!("{docs}export {}", T::decl(self.cfg));
        match self.decls.get(&name) {
            Some(existing) if *existing != decl => self.clashes.push(name),
            Some(_) => {}
            None => {
                self.decls.insert(name, decl);
            }
        }
        T::visit_dependencies(self);
    }
}

/// The hand-written part: the typed `invoke` over supabase-js `functions.invoke`.
const INVOKE: &str = include_str!("invoke.ts");

/// `contract/functions.ts`, or the names of two different types that would share one
/// TypeScript name.
pub fn module() -> Result<String, Vec<String>> {
    let cfg = config();
    let functions = functions(&cfg);
    let mut declarations = Declarations {
        cfg: &cfg,
        seen: HashSet::new(),
        decls: BTreeMap::new(),
        clashes: Vec::new(),
    };
    // The error body's `details` (src/invoke.ts).
    declarations.add::<serde_json::Value>();
    for function in &functions {
        (function.declare)(&mut declarations);
    }
    if !declarations.clashes.is_empty() {
        return Err(declarations.clashes);
    }

    let mut out = String::from(HEADER);
    for decl in declarations.decls.values() {
        out.push('\n');
        out.push_str(decl.trim_end());
        out.push('\n');
    }
    out.push_str(
        "\n/**\n * Every edge function by name (`POST /functions/v1/<name>`): its request body, its 2xx\n * answer, and each `error.code` it can answer with the HTTP status(es) it comes with.\n */\nexport interface Functions {\n",
    );
    for function in &functions {
        out.push_str(&format!("  \"{}\": {{\n", function.name));
        out.push_str(&format!("    input: {};\n", function.input));
        out.push_str(&format!("    output: {};\n", function.output));
        out.push_str("    errors: {\n");
        let mut statuses: BTreeMap<&str, Vec<u16>> = BTreeMap::new();
        for e in flatten(function.errors) {
            statuses.entry(e.code).or_default().push(e.status);
        }
        for (code, statuses) in statuses {
            let statuses: Vec<String> = statuses.iter().map(u16::to_string).collect();
            out.push_str(&format!("      {code}: {};\n", statuses.join(" | ")));
        }
        out.push_str("    };\n  };\n");
    }
    out.push_str("}\n\n");
    out.push_str(INVOKE);
    Ok(out)
}

const HEADER: &str = "\
// The edge functions' contract: generated by `npm run types` (crates/contract) from the
// functions' Rust types and their declared error codes. Do not edit; change the Rust side
// and run `npm run types`. `npm test` fails when this file is not what it generates.
//
//   import { invoke } from \"<path to>/contract/functions.ts\";
//   const linked = await invoke(supabase, \"link-candidate-account\", { invitation_token });
//   if (linked.ok) linked.data.candidate_id; else linked.error.code; // typed by function
";

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn every_built_function_is_in_the_contract() {
        let manifest = include_str!("../../../wasm-pack.toml");
        let mut built: Vec<&str> = manifest
            .lines()
            .filter_map(|l| l.strip_prefix("[functions.")?.strip_suffix(']'))
            .collect();
        built.sort_unstable();
        let cfg = config();
        let mut named: Vec<&str> = functions(&cfg).iter().map(|f| f.name).collect();
        named.sort_unstable();
        assert_eq!(named, built);
    }

    /// The codes a function's own source passes to `ApiError`'s constructors as literals.
    fn literal_codes(dir: &std::path::Path, out: &mut Vec<String>) {
        const CONSTRUCTORS: [&str; 9] = [
            "ApiError::bad_request(",
            "ApiError::unauthorized(",
            "ApiError::forbidden(",
            "ApiError::not_found(",
            "ApiError::conflict(",
            "ApiError::gone(",
            "ApiError::unprocessable(",
            "ApiError::too_large(",
            "ApiError::unavailable(",
        ];
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                literal_codes(&path, out);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            // A file's unit tests (its `#[cfg(test)]` module, last by convention) answer nothing.
            let text = text.split("\n#[cfg(test)]").next().unwrap_or_default();
            for constructor in CONSTRUCTORS {
                for (at, _) in text.match_indices(constructor) {
                    let rest = text[at + constructor.len()..].trim_start();
                    if let Some(literal) = rest.strip_prefix('"') {
                        let code = &literal[..literal.find('"').unwrap()];
                        out.push(code.to_owned());
                    }
                }
            }
        }
    }

    /// The native tests see only the codes they reach; this reads the rest: every literal
    /// code a function's source gives `ApiError` must be in its `ERRORS`.
    #[test]
    fn every_code_a_function_writes_is_declared() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../functions");
        for function in functions(&config()) {
            let mut codes = Vec::new();
            literal_codes(&root.join(function.name).join("src"), &mut codes);
            let declared = flatten(function.errors);
            for code in codes {
                assert!(
                    declared.iter().any(|e| e.code == code),
                    "{}: `{code}` is answered but not in its ERRORS",
                    function.name
                );
            }
        }
    }

    #[test]
    fn the_module_names_each_function_its_types_and_codes() {
        let module = module().expect("no two types share a TypeScript name");
        for function in functions(&config()) {
            assert!(module.contains(&format!("  \"{}\": {{\n", function.name)));
            assert!(module.contains(&format!(
                "export type {} = ",
                function.output.split(' ').next().unwrap()
            )));
            for e in flatten(function.errors) {
                assert!(
                    module.contains(&format!("      {}: ", e.code)),
                    "{}",
                    e.code
                );
            }
        }
        assert!(module.contains("export async function invoke<"));
    }
}
