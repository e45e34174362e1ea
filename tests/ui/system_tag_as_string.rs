use k6dsl::prelude::*;

fn main() {
    let _ = GeneralOptions::default().system_tags(["url"]);
}
