//! Prints what the extractor reads from each PDF given: `cargo run -p resume --example dump -- FILE...`

fn main() {
    for path in std::env::args().skip(1) {
        println!("===== {path}");
        match std::fs::read(&path) {
            Ok(bytes) => match resume::extract(&bytes) {
                Ok(x) => {
                    println!(
                        "pages={} strategy={} stats={:?}",
                        x.page_count,
                        x.strategy.as_str(),
                        x.stats
                    );
                    println!("{}", x.text);
                }
                Err(e) => println!("error {} ({}): {e}", e.status(), e.code()),
            },
            Err(e) => println!("cannot read: {e}"),
        }
    }
}
