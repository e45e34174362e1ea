use k6dsl::prelude::*;

fn main() {
    let _ = Script::new()
        .scenario(Scenario::new(
            "steady",
            ConstantVus::new().duration(secs(30)),
        ))
        .shortcut(Shortcut::duration(nz!(10), secs(30)));
}
