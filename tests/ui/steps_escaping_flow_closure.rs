use k6dsl::prelude::*;

fn main() {
    let mut leaked = None;
    let _ = Flow::new("shop").steps(|f| leaked = Some(f));
}
