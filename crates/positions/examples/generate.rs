//! Print the draft the template generator makes for a title (and optional level):
//!   cargo run -p positions --example generate -- "Senior Backend Engineer" [senior]
#![allow(clippy::unwrap_used)]

fn main() {
    let mut args = std::env::args().skip(1);
    let title = args
        .next()
        .unwrap_or_else(|| "Senior Backend Engineer".into());
    let brief = positions::Brief {
        title,
        seniority: args.next(),
        ..positions::Brief::default()
    };
    let draft = positions::generate(&brief);
    println!("{}", serde_json::to_string_pretty(&draft).unwrap());
}
